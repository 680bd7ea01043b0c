"""drf-spectacular: CoCart's auth as OpenAPI security schemes (WordPress Basic auth, the login
cookie; the Preview checkout's consumer keys ride on Basic or the query), and operation ids
that name a GET's path parameters (products vs products/{id})."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from checkout_hub.schema import PATH_PARAMETER, AutoSchema


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "cocart.auth.BasicLoginAuthentication"
    name = "CoCartBasic"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "A WordPress login (username, email or phone) and password; on the "
            "Preview checkout a WooCommerce consumer key and secret.",
        }


class CookieScheme(OpenApiAuthenticationExtension):
    target_class = "cocart.auth.SessionLoginAuthentication"
    name = "CoCartCookie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class CoCartAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        parameters = PATH_PARAMETER.findall(self.path)
        if self.method != "GET" or not parameters:
            return operation_id
        head = operation_id.removesuffix("_retrieve")
        return "_".join([head, "by", *parameters, "retrieve"])
