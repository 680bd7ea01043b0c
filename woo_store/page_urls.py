"""The storefront pages (outside /wp-json/) that the Store API's replies link to."""

from django.urls import path

from . import pages

app_name = "woo_store_pages"

urlpatterns = [
    path(
        "checkout/order-received/<int:order_id>/",
        pages.order_received,
        name="order-received",
    ),
    path("checkout/order-pay/<int:order_id>/", pages.order_pay, name="order-pay"),
    path("product/<str:slug>/", pages.product, name="product"),
    path("wc-api/wc_stripe/", pages.stripe_webhook, name="stripe-webhook"),
]
