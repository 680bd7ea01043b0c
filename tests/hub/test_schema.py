"""The hub's OpenAPI schema: it generates without a warning, validates, and names every
operation once (clients generated from it get one method per operation)."""

from collections import Counter

import yaml
from django.core.management import call_command


def test_schema_generates_without_warnings_and_validates(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(path))

    schema = yaml.safe_load(path.read_text())
    operations = [
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert [name for name, n in Counter(operations).items() if n > 1] == []
    items = schema["paths"]["/wp-json/wc/store/v1/cart/items/{key}"]
    assert items["delete"]["operationId"] == "wp_json_wc_store_v1_cart_items_by_key_destroy"
    assert items["patch"]["operationId"] == "wp_json_wc_store_v1_cart_items_by_key_partial_update"
