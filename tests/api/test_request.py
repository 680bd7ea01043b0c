"""The hub's DRF Request reads Django's request's attributes directly; DRF's behaviour stands."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from checkout_hub.api.request import HubRequest


class CountingAuth(BaseAuthentication):
    calls = 0

    def authenticate(self, request):
        CountingAuth.calls += 1
        return None


def test_reads_come_from_the_wrapped_request_and_a_set_value_shadows_it():
    django_request = RequestFactory().post(
        "/wp-json/wc/store/v1/cart?x=1", data=b"{}", content_type="application/json",
        HTTP_CART_TOKEN="t",
    )  # fmt: skip
    request = HubRequest(django_request)
    plain = Request(django_request)
    for name in ("method", "META", "path", "path_info", "headers", "COOKIES", "body"):
        assert getattr(request, name) == getattr(plain, name), name
    assert request.get_full_path() == "/wp-json/wc/store/v1/cart?x=1"
    assert request.headers["Cart-Token"] == "t"

    request.method = "PUT"  # as DRF's clone_request does: the Request's own, not Django's
    assert (request.method, django_request.method) == ("PUT", "POST")
    with pytest.raises(AttributeError):
        request.no_such_attribute  # noqa: B018


def test_user_is_authenticated_once_and_can_be_set():
    CountingAuth.calls = 0
    django_request = RequestFactory().get("/")
    request = HubRequest(django_request, authenticators=[CountingAuth()])
    assert isinstance(request.user, AnonymousUser)
    assert isinstance(request.user, AnonymousUser)
    assert CountingAuth.calls == 1

    other = object()
    request.user = other  # DRF's setter: the wrapped request's user too
    assert request.user is other and django_request.user is other
