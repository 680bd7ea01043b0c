"""Shared fixtures and helpers for the CoCart tests: a seeded store, a guest cart key, the
demo consumer keys, and the WordPress error envelope check."""

import base64
import json

import pytest
from django.core.management import call_command

V2 = "/wp-json/cocart/v2"
PREVIEW = "/wp-json/cocart/preview"
CK = "ck_" + "0123456789abcdef" * 2 + "01234567"
CS = "cs_" + "fedcba9876543210" * 2 + "fedcba98"
KEYS = "Basic " + base64.b64encode(f"{CK}:{CS}".encode()).decode()
CUSTOMER = "Basic " + base64.b64encode(b"customer:customer").decode()
US_ADDRESS = {
    "first_name": "Peter",
    "last_name": "Venkman",
    "address_1": "550 Central Park West",
    "city": "New York",
    "state": "NY",
    "postcode": "10023",
    "country": "US",
    "email": "peter@example.com",
    "phone": "5555550123",
}


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


class Api:
    """A CoCart client holding its cart key the way a storefront does (the header of the
    last reply, sent back as CoCart-API-Cart-Key)."""

    def __init__(self, client, key: str | None = None, auth: str | None = None):
        self.client, self.key, self.auth = client, key, auth

    def headers(self, extra):
        headers = {}
        if self.key:
            headers["HTTP_COCART_API_CART_KEY"] = self.key
        if self.auth:
            headers["HTTP_AUTHORIZATION"] = self.auth
        headers.update(extra)
        return headers

    def call(self, method, path, body=None, base=V2, **extra):
        url = f"{base}/{path}"
        kwargs = self.headers(extra)
        if method == "get":
            reply = self.client.get(url, body or {}, **kwargs)
        else:
            reply = getattr(self.client, method)(
                url, json.dumps(body or {}), content_type="application/json", **kwargs
            )
        if reply.headers.get("CoCart-API-Cart-Key") and not self.auth:
            self.key = reply.headers["CoCart-API-Cart-Key"]
        return reply

    def get(self, path, params=None, **extra):
        return self.call("get", path, params, **extra)

    def post(self, path, body=None, **extra):
        return self.call("post", path, body, **extra)

    def put(self, path, body=None, **extra):
        return self.call("put", path, body, **extra)

    def delete(self, path, body=None, **extra):
        return self.call("delete", path, body, **extra)

    def checkout(self, method, path="checkout", body=None, **extra):
        extra.setdefault("HTTP_AUTHORIZATION", KEYS)
        return self.call(method, path, body, base=PREVIEW, **extra)


@pytest.fixture
def api(client, store) -> Api:
    return Api(client)


def assert_error(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.content
    body = reply.json()
    assert set(body) == {"code", "message", "data"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert body["data"]["status"] == status
    return body["data"]
