"""FluentCart's storefront pages: the checkout page and the receipt page."""

from django.urls import path

from . import pages

app_name = "fluentcart_pages"

urlpatterns = [
    path("checkout/", pages.checkout_page, name="checkout"),
    path("receipt/", pages.receipt, name="receipt"),
]
