"""The landing page at /."""

from io import StringIO

import pytest
from django.core.management import call_command

from checkout_hub.views import APIS

pytestmark = pytest.mark.django_db


def test_landing_lists_apis_links_and_scenarios(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Checkout Hub" in html
    for _name, _app, path, _browse in APIS:
        assert path in html
    for link in ("/admin/", "/__hub/scenarios", "/__hub/health", "/__hub/docs/"):
        assert f'href="{link}"' in html
    for scenario in ("payment_declined", "out_of_stock", "rate_limited"):
        assert scenario in html
    assert "X-Hub-Scenario" in html and "__scenario" in html


def test_landing_hints_at_seeding_when_the_catalogue_is_empty(client):
    html = client.get("/").content.decode()
    assert "python manage.py seed_store" in html


def test_landing_lists_the_seeded_catalogue(client, django_assert_max_num_queries):
    call_command("seed_store", stdout=StringIO())
    with django_assert_max_num_queries(5):
        response = client.get("/")
    html = response.content.decode()
    assert "python manage.py seed_store" not in html
    for pk, name in [(1, "T-shirt"), (11, "Album download"), (13, "Hoodie")]:
        assert f"<code>{pk}</code>" in html
        assert name in html
    for variation_id in range(14, 20):
        assert f"<code>{variation_id}</code>" in html
    assert "HUB-HOODIE-BLUE-M" not in html  # variations are listed under their parent
    assert "$18.00" in html  # T-shirt, formatted by the money filter
    assert "<del>$18.00</del> $14.00" in html  # the Beanie's sale
    assert "Blue / M" in html  # in the parent's attribute order, on every database
    assert "Green / any" in html


def test_no_link_on_the_landing_page_leads_to_an_error(client):
    """Every link a person can click on / opens a page (as a browser asks: Accept text/html)."""
    import re

    call_command("seed_store", stdout=StringIO())
    html = client.get("/").content.decode()
    links = sorted(set(re.findall(r'href="([^"#]+)"', html)))
    assert len(links) >= 8
    for link in links:
        path = link.removeprefix("http://127.0.0.1:8000")
        if not path.startswith("/"):
            continue  # outside the hub
        reply = client.get(path, headers={"Accept": "text/html"})
        assert reply.status_code in (200, 302), (link, reply.status_code)
