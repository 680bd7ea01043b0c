"""CoCart's routes: the cart API under /wp-json/cocart/v2/ and the Preview checkout under
/wp-json/cocart/preview/. WordPress matches routes without their trailing slash, so each takes
one or none; an item key is exactly `[\\w-]{32}` (4.8.0+), anything else is rest_no_route."""

from django.urls import include, re_path

from .views import account, base, cart, checkout, plus, products

ITEM_KEY = r"(?P<item_key>[\w-]{32})"

v2 = [
    re_path(r"^cart/?$", cart.CartGetView.as_view(), name="cart"),
    re_path(r"^cart/add-item/?$", cart.AddItemView.as_view(), name="add-item"),
    re_path(r"^cart/add-items/?$", cart.AddItemsView.as_view(), name="add-items"),
    re_path(rf"^cart/item/{ITEM_KEY}/?$", cart.ItemView.as_view(), name="item"),
    re_path(r"^cart/items/?$", cart.ItemsView.as_view(), name="items"),
    re_path(r"^cart/items/count/?$", cart.ItemsCountView.as_view(), name="items-count"),
    re_path(r"^cart/clear/?$", cart.ClearView.as_view(), name="clear"),
    re_path(r"^cart/totals/?$", cart.TotalsView.as_view(), name="totals"),
    re_path(r"^cart/calculate/?$", cart.CalculateView.as_view(), name="calculate"),
    re_path(r"^cart/update/?$", cart.UpdateView.as_view(), name="update"),
    # CoCart Plus
    re_path(r"^cart/apply-coupon/?$", plus.ApplyCouponView.as_view(), name="apply-coupon"),
    re_path(r"^cart/coupons/?$", plus.CouponsView.as_view(), name="coupons"),
    re_path(
        r"^cart/coupons/validate/?$", plus.ValidateCouponsView.as_view(), name="coupons-validate"
    ),
    re_path(r"^cart/coupons/(?P<code>[^/]+)/?$", plus.CouponView.as_view(), name="coupon"),
    re_path(
        r"^cart/set-shipping-method/?$",
        plus.SetShippingMethodView.as_view(),
        name="set-shipping-method",
    ),
    re_path(
        r"^cart/calculate/shipping/?$",
        plus.CalculateShippingView.as_view(),
        name="calculate-shipping",
    ),
    re_path(r"^products/?$", products.ProductsView.as_view(), name="products"),
    re_path(r"^products/(?P<id>[\w-]+)/?$", products.ProductView.as_view(), name="product"),
    re_path(r"^store/?$", products.StoreView.as_view(), name="store"),
    re_path(r"^login/?$", account.LoginView.as_view(), name="login"),
    re_path(r"^logout/?$", account.LogoutView.as_view(), name="logout"),
    re_path(r"^sessions/?$", account.SessionsView.as_view(), name="sessions"),
    # "session/{key}" in the source, "sessions/{key}" in the docs: both.
    re_path(r"^session/(?P<key>[\w-]+)/?$", account.SessionView.as_view(), name="session"),
    re_path(r"^sessions/(?P<key>[\w-]+)/?$", account.SessionView.as_view(), name="sessions-key"),
    re_path(
        r"^session/(?P<key>[\w-]+)/items/?$",
        account.SessionItemsView.as_view(),
        name="session-items",
    ),
    re_path(
        r"^sessions/(?P<key>[\w-]+)/items/?$",
        account.SessionItemsView.as_view(),
        name="sessions-key-items",
    ),
]

preview = [
    re_path(r"^checkout/?$", checkout.CheckoutView.as_view(), name="checkout"),
    re_path(
        r"^checkout/payment-methods/?$",
        checkout.PaymentMethodsView.as_view(),
        name="payment-methods",
    ),
    re_path(
        r"^checkout/payment-context/?$",
        checkout.PaymentContextView.as_view(),
        name="payment-context",
    ),
    re_path(
        r"^order-received/(?P<order_id>\d+)/?$",
        checkout.OrderReceivedView.as_view(),
        name="order-received",
    ),
    re_path(
        r"^order-received/(?P<order_id>\d+)/pay/?$",
        checkout.OrderPayView.as_view(),
        name="order-pay",
    ),
]

urlpatterns = [
    re_path(r"^wp-json/cocart/v2/", include((v2, "cocart"), namespace="cocart")),
    re_path(
        r"^wp-json/cocart/preview/",
        include((preview, "cocart_preview"), namespace="cocart_preview"),
    ),
    re_path(r"^wp-json/cocart/", base.NoRouteView.as_view(), name="cocart-no-route"),
]
