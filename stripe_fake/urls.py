"""The embedded Stripe fake over HTTP, under /stripe/: the API at /stripe/v1/… (point the SDK's
`api` base address at <hub>/stripe) and the test 3-D Secure page."""

from django.urls import path, re_path

from . import views

app_name = "stripe_fake"

urlpatterns = [
    re_path(r"^(?P<path>v1(?:/.*)?)$", views.api, name="api"),
    path("authenticate/<str:intent_id>/", views.authenticate, name="authenticate"),
    path("checkout/pay/<str:session_id>/", views.checkout_pay, name="checkout-pay"),
    path("checkout/pay/<str:session_id>/return/", views.checkout_return, name="checkout-return"),
]
