"""`POST /v1/graphql`: `{query, variables}` in, `{data, errors?}` out (reference §9), signed like
the actions. A mutation or subscription answers 403 before anything runs."""

from __future__ import annotations

from graphql import OperationType, parse
from graphql.error import GraphQLError
from rest_framework.response import Response

from .. import errors
from ..graphql import schema
from .base import PancakeView

MAX_QUERY = 20_000


class GraphQLView(PancakeView):
    def post(self, request):
        credential = self.authenticate_pancake(request)
        body = self.json_object()
        query, variables = body.get("query"), body.get("variables")
        operation = body.get("operationName")
        if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY:
            raise errors.bad_request("Missing or invalid field: query", errors.GRAPHQL)
        if variables is not None and not isinstance(variables, dict):
            raise errors.bad_request("variables must be an object", errors.GRAPHQL)
        if operation is not None and not isinstance(operation, str):
            raise errors.bad_request("operationName must be a string", errors.GRAPHQL)
        try:
            document = parse(query)
        except GraphQLError as exc:
            return Response(
                {"data": None, "errors": [{"message": exc.message, "layer": errors.GRAPHQL}]},
                status=400,
            )
        for definition in document.definitions:
            if getattr(definition, "operation", None) in (
                OperationType.MUTATION,
                OperationType.SUBSCRIPTION,
            ):
                raise errors.forbidden(
                    "Mutations are not allowed: the GraphQL API is query-only", errors.GRAPHQL
                )
        result = schema.execute_sync(
            query,
            variable_values=variables,
            operation_name=operation,
            context_value={"credential": credential, "request": request},
        )
        reply: dict = {"data": result.data}
        if result.errors:
            reply["errors"] = [
                {
                    "message": e.message,
                    "layer": errors.GRAPHQL,
                    **(
                        {
                            "locations": [
                                {"line": loc.line, "column": loc.column} for loc in e.locations
                            ]
                        }
                        if e.locations
                        else {}
                    ),
                    **({"path": e.path} if e.path else {}),
                }
                for e in result.errors
            ]
        return Response(reply, status=200 if result.data is not None or not result.errors else 400)
