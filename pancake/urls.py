"""Pancake's routes: the actions and GraphQL at `/v1/` (the SDK's baseUrl is the hub's root),
and the hosted checkout page at `/store/{slug}/checkout/{sessionId}`."""

from django.urls import path, re_path

from . import hosted
from .views import base, checkout, graphql, orders, store

app_name = "pancake"

urlpatterns = [
    path(
        "v1/actions/checkout/create-session",
        checkout.CreateSessionView.as_view(),
        name="create-session",
    ),
    path(
        "v1/actions/auth/issue-session-token",
        checkout.IssueSessionTokenView.as_view(),
        name="issue-session-token",
    ),
    path(
        "v1/actions/onetime-order/cancel-order",
        orders.CancelOnetimeOrderView.as_view(),
        name="onetime-cancel",
    ),
    path(
        "v1/actions/subscription-order/cancel-order",
        orders.CancelSubscriptionView.as_view(),
        name="subscription-cancel",
    ),
    path(
        "v1/actions/subscription-order/reactivate-order",
        orders.ReactivateSubscriptionView.as_view(),
        name="subscription-reactivate",
    ),
    path("v1/graphql", graphql.GraphQLView.as_view(), name="graphql"),
    path("v1/actions/store/add-webhook", store.AddWebhookView.as_view(), name="add-webhook"),
    path(
        "v1/actions/store/update-webhook", store.UpdateWebhookView.as_view(), name="update-webhook"
    ),
    path(
        "v1/actions/store/remove-webhook", store.RemoveWebhookView.as_view(), name="remove-webhook"
    ),
    path("store/<slug:slug>/checkout/<str:session_id>", hosted.checkout_page, name="checkout"),
    path(
        "store/<slug:slug>/checkout/<str:session_id>/tax",
        hosted.tax_preview,
        name="checkout-tax",
    ),
    path("store/<slug:slug>/thank-you/<str:order_id>", hosted.thank_you, name="thank-you"),
    re_path(r"^v1/.*$", base.NoRouteView.as_view(), name="no-route"),
]
