"""The Store API's routes, under /wp-json/wc/store/v1/ and the /wp-json/wc/store/ alias.

WordPress matches REST routes without their trailing slash, so each route takes one or none.
Anything else under the prefix answers WordPress's `rest_no_route`.
"""

from django.urls import include, re_path

from .views import base, batch, cart, checkout, orders, products, terms

ITEM_KEY = r"(?P<key>[\w-]{32})"

routes = [
    re_path(r"^products/?$", products.ProductsView.as_view(), name="products"),
    # The taxonomy, review and collection routes come before products/{slug}.
    re_path(r"^products/categories/?$", terms.CategoriesView.as_view(), name="categories"),
    re_path(
        r"^products/categories/(?P<id>\d+)/?$",
        terms.CategoryByIdView.as_view(),
        name="category",
    ),
    re_path(r"^products/tags/?$", terms.TagsView.as_view(), name="tags"),
    re_path(r"^products/brands/?$", terms.BrandsView.as_view(), name="brands"),
    re_path(r"^products/brands/(?P<id>\d+)/?$", terms.BrandByIdView.as_view(), name="brand"),
    re_path(r"^products/attributes/?$", terms.AttributesView.as_view(), name="attributes"),
    re_path(
        r"^products/attributes/(?P<id>\d+)/?$",
        terms.AttributeByIdView.as_view(),
        name="attribute",
    ),
    re_path(
        r"^products/attributes/(?P<attribute_id>\d+)/terms/?$",
        terms.AttributeTermsView.as_view(),
        name="attribute-terms",
    ),
    re_path(r"^products/reviews/?$", terms.ReviewsView.as_view(), name="reviews"),
    re_path(
        r"^products/collection-data/?$",
        terms.CollectionDataView.as_view(),
        name="collection-data",
    ),
    re_path(r"^products/(?P<id>\d+)/?$", products.ProductByIdView.as_view(), name="product"),
    re_path(
        r"^products/(?P<slug>[^/]+)/?$", products.ProductBySlugView.as_view(), name="product-slug"
    ),
    re_path(r"^cart/?$", cart.CartView.as_view(), name="cart"),
    re_path(r"^cart/add-item/?$", cart.AddItemView.as_view(), name="cart-add-item"),
    re_path(r"^cart/remove-item/?$", cart.RemoveItemView.as_view(), name="cart-remove-item"),
    re_path(r"^cart/update-item/?$", cart.UpdateItemView.as_view(), name="cart-update-item"),
    re_path(r"^cart/apply-coupon/?$", cart.ApplyCouponView.as_view(), name="cart-apply-coupon"),
    re_path(r"^cart/remove-coupon/?$", cart.RemoveCouponView.as_view(), name="cart-remove-coupon"),
    re_path(
        r"^cart/update-customer/?$",
        cart.UpdateCustomerView.as_view(),
        name="cart-update-customer",
    ),
    re_path(
        r"^cart/select-shipping-rate/?$",
        cart.SelectShippingRateView.as_view(),
        name="cart-select-shipping-rate",
    ),
    re_path(r"^cart/extensions/?$", cart.ExtensionsView.as_view(), name="cart-extensions"),
    re_path(r"^cart/items/?$", cart.ItemsView.as_view(), name="cart-items"),
    re_path(rf"^cart/items/{ITEM_KEY}/?$", cart.ItemByKeyView.as_view(), name="cart-item"),
    re_path(r"^cart/coupons/?$", cart.CouponsView.as_view(), name="cart-coupons"),
    re_path(
        r"^cart/coupons/(?P<code>[\w-]+)/?$", cart.CouponByCodeView.as_view(), name="cart-coupon"
    ),
    re_path(r"^checkout/?$", checkout.CheckoutView.as_view(), name="checkout"),
    re_path(r"^checkout/(?P<id>\d+)/?$", checkout.OrderPayView.as_view(), name="checkout-order"),
    re_path(r"^order/(?P<id>\d+)/?$", orders.OrderView.as_view(), name="order"),
    re_path(r"^batch/?$", batch.BatchView.as_view(), name="batch"),
    re_path(r"^.*$", base.NoRouteView.as_view(), name="no-route"),
]

urlpatterns = [
    re_path(r"^wp-json/wc/store/v1/", include((routes, "woo_store"), namespace="woo_store")),
    # The unversioned alias WooCommerce registers for every route.
    re_path(r"^wp-json/wc/store/", include((routes, "woo_store"), namespace="woo_store_alias")),
]
