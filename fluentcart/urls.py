"""FluentCart's routes: the REST namespace /wp-json/fluent-cart/v2/ (and its ?rest_route=
form is not emulated), the storefront's /wp-admin/admin-ajax.php, and its pages.

WordPress matches REST routes without their trailing slash, so each takes one or none;
anything else under the prefix answers rest_no_route."""

from django.urls import include, path, re_path

from .views import ajax, base, checkout, legacy, products, user

app_name = "fluentcart"

routes = [
    re_path(r"^public/products/?$", products.ProductsView.as_view(), name="products"),
    re_path(r"^cart/add_item/?$", legacy.AddItemView.as_view(), name="cart-add-item"),
    re_path(r"^checkout/place-order/?$", checkout.PlaceOrderView.as_view(), name="place-order"),
    re_path(r"^checkout/get-order-info/?$", checkout.OrderInfoView.as_view(), name="order-info"),
    re_path(
        r"^checkout/get-checkout-summary-view/?$",
        checkout.SummaryView.as_view(),
        name="summary-view",
    ),
    re_path(
        r"^checkout/get-available-shipping-methods/?$",
        checkout.AvailableShippingMethodsView.as_view(),
        name="shipping-methods",
    ),
    re_path(
        r"^checkout/get-shipping-methods-list-view/?$",
        checkout.ShippingMethodsListView.as_view(),
        name="shipping-methods-view",
    ),
    re_path(
        r"^checkout/get-country-info/?$", checkout.CountryInfoView.as_view(), name="country-info"
    ),
    re_path(r"^user/login/?$", user.LoginView.as_view(), name="login"),
    re_path(r"^.*$", base.NoRouteView.as_view(), name="no-route"),
]

urlpatterns = [
    re_path(r"^wp-json/fluent-cart/v2/", include(routes)),
    re_path(r"^wp-json/fluent-cart/v2$", base.NoRouteView.as_view(), name="root"),
    path("wp-admin/admin-ajax.php", ajax.AdminAjaxView.as_view(), name="admin-ajax"),
]
