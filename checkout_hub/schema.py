"""The hub's OpenAPI schema generator: drf-spectacular's, with one fix for vendor routes."""

import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

PATH_PARAMETER = re.compile(r"{(\w+)}")


class AutoSchema(SpectacularAutoSchema):
    def get_operation_id(self) -> str:
        """Vendors route a write both with and without an id (Woo's DELETE cart/items and
        cart/items/{key}); drf-spectacular names both alike, so name the id: ..._by_key_destroy."""
        operation_id = super().get_operation_id()
        parameters = PATH_PARAMETER.findall(self.path)
        if self.method == "GET" or not parameters:
            return operation_id
        action = self.method_mapping[self.method.lower()]
        head = operation_id.removesuffix(f"_{action}")
        return "_".join([head, "by", *parameters, action])
