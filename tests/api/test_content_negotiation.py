"""Content negotiation is remembered per view, renderers, Accept and format: the same request
must get the same renderer every time, and a refused Accept is refused every time."""

import pytest

CART = "/wp-json/wc/store/v1/cart"


@pytest.mark.django_db
@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_a_refused_accept_is_refused_every_time(client, attempt):
    reply = client.get(CART, headers={"Accept": "text/csv"})
    assert reply.status_code == 406
    assert reply["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_each_accept_keeps_its_own_renderer(client):
    for _ in range(2):
        html = client.get(CART, headers={"Accept": "text/html"})
        assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
        json_reply = client.get(CART, headers={"Accept": "application/json"})
        assert json_reply["Content-Type"] == "application/json"
        refused = client.get(CART, headers={"Accept": "text/csv"})
        assert refused.status_code == 406
        forced = client.get(CART + "?format=json", headers={"Accept": "text/html"})
        assert forced["Content-Type"] == "application/json"
