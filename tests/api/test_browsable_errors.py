"""The browsable API renders every error, no-route included, in the vendor's envelope and
never as a 500 or a Django debug page."""

import pytest

pytestmark = pytest.mark.django_db

NO_ROUTES = [
    ("/wp-json/wc/store/v1/nonexistent", "rest_no_route"),
    ("/wp-json/headlesswp/v1/nope", "NOT_FOUND"),
]


@pytest.mark.parametrize(("path", "code"), NO_ROUTES)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_no_route_in_a_browser_is_the_vendors_404_page(client, path, code, method):
    response = getattr(client, method)(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert code in response.content.decode()


@pytest.mark.parametrize(("path", "code"), NO_ROUTES)
def test_no_route_for_a_json_client(client, path, code):
    response = client.get(path)
    assert response.status_code == 404
    assert code in response.content.decode()
