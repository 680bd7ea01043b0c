"""The hub's own endpoints under /__hub/: health and scenarios."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler

from checkout_hub.api import VendorAPIView
from checkout_hub.models import ScenarioRule, Vendor
from checkout_hub.services import errors, scenarios

HUB_STATUS = {
    errors.UnknownScenario: 400,
    errors.RateLimited: 429,
    errors.NotAuthenticated: 401,
    errors.ServerError: 500,
}


def hub_exception_handler(exc, context):
    """`{code, message, data: {status, ...}}` for the hub's endpoints."""
    if isinstance(exc, errors.DomainError):
        status_code = HUB_STATUS.get(type(exc), 400)
        data = {"status": status_code}
        if isinstance(exc, errors.UnknownScenario):
            data["valid"] = exc.valid
        return Response({"code": exc.code, "message": exc.message, "data": data}, status_code)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "invalid_request"
        message = exc.detail if isinstance(exc.detail, str) else "Invalid request."
        response.data = {
            "code": f"hub_{code}",
            "message": str(message),
            "data": {"status": response.status_code, "details": response.data},
        }
    return response


class HubAPIView(VendorAPIView):
    vendor = Vendor.HUB
    exception_handler = staticmethod(hub_exception_handler)


class HealthView(HubAPIView):
    """Is the hub up, and can it reach its database and cache?"""

    @extend_schema(
        responses=inline_serializer(
            "HubHealth",
            {
                "status": serializers.CharField(),
                "database": serializers.CharField(),
                "cache": serializers.CharField(),
            },
        )
    )
    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("hub:health", "ok", 5)
        return Response(
            {
                "status": "ok",
                "database": connection.vendor,
                "cache": "ok" if cache.get("hub:health") == "ok" else "unavailable",
            }
        )


class ScenarioRuleSerializer(serializers.ModelSerializer):
    scenario = serializers.ChoiceField(choices=scenarios.names())

    class Meta:
        model = ScenarioRule
        fields = ["id", *ScenarioRule.EDITABLE_FIELDS, "hits"]
        read_only_fields = ["id", "hits"]


class ScenariosView(HubAPIView):
    """The scenario vocabulary and the stored rules. POST adds a rule; DELETE removes all."""

    serializer_class = ScenarioRuleSerializer

    def get(self, request):
        return Response(
            {
                "header": "X-Hub-Scenario",
                "query_param": scenarios.QUERY_PARAM,
                "scenarios": [
                    {"name": s.name, "fires_at": list(s.points), "description": s.description}
                    for s in scenarios.VOCABULARY.values()
                ],
                "rules": ScenarioRuleSerializer(ScenarioRule.objects.all(), many=True).data,
            }
        )

    def post(self, request):
        serializer = ScenarioRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def delete(self, request):
        ScenarioRule.objects.all().delete()  # the delete signal forgets the cached rules
        return Response(status=status.HTTP_204_NO_CONTENT)
