"""Django admin for the shared store: catalogue, store settings, customers, carts, orders,
payments, scenario rules and the (read-only) request journal.

Money is stored in minor units; list columns show it formatted with `money.format_price` in the
row's own currency (the store currency for catalogue prices). JSON fields are edited as
indented text so addresses, lines and vendor extras stay readable. Changelists select or
annotate everything their columns read, so their query count does not grow with the rows.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from checkout_hub.models import (
    Attribute,
    AttributeTerm,
    Brand,
    Cart,
    CartItem,
    Category,
    CheckoutSession,
    Coupon,
    Customer,
    CustomerAddress,
    IdempotencyRecord,
    Order,
    OrderItem,
    OrderMeta,
    Payment,
    Product,
    ProductImage,
    RequestLog,
    Review,
    ScenarioRule,
    ShippingMethod,
    ShippingZone,
    Tag,
    TaxRate,
)
from checkout_hub.services import (
    checkout_sessions,
    errors,
    journal,
    money,
    payments,
    scenarios,
    statuses,
)
from checkout_hub.services.payments import stripe_gateway

admin.site.site_header = "Checkout Hub"
admin.site.site_title = "Checkout Hub admin"
admin.site.index_title = "Store, orders and request journal"


# --- shared helpers ---
class PrettyJSONField(forms.JSONField):
    """A JSON form field that shows its value indented rather than on one long line."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


FORMFIELD_OVERRIDES = {
    models.JSONField: {
        "form_class": PrettyJSONField,
        "widget": forms.Textarea(attrs={"rows": 6, "cols": 80, "class": "vLargeTextField"}),
    },
    models.URLField: {"assume_scheme": "https"},
}


class HubModelAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES


class HubTabularInline(admin.TabularInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    extra = 0


class HubStackedInline(admin.StackedInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    extra = 0


def store_price(amount: int | None) -> str:
    """Catalogue amounts are in the store currency; None means "no price"."""
    if amount is None:
        return "—"
    return money.format_price(amount, settings.HUB_CURRENCY)


def pretty(value, *, sort_keys: bool = True) -> str:
    """JSON (or a string holding JSON) indented in a <pre>; other text shown as it is.
    `sort_keys=False` keeps the keys in their own order (a wire object as the API sends it)."""
    if value in (None, "", {}, []):
        return "—"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return format_html('<pre style="white-space: pre-wrap">{}</pre>', value)
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys, default=str)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


def pretty_field(name: str, description: str):
    """A read-only admin column showing field `name` through `pretty()`."""

    @admin.display(description=description)
    def show(self, obj):
        return pretty(getattr(obj, name))

    return show


# --- catalogue ---
@admin.register(Category)
class CategoryAdmin(HubModelAdmin):
    list_display = ["name", "slug", "parent", "product_count"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description="Products", ordering="_product_count")
    def product_count(self, obj):
        return obj._product_count


@admin.register(Tag)
class TagAdmin(CategoryAdmin):
    list_display = ["name", "slug", "product_count"]
    list_select_related = []
    autocomplete_fields = []


@admin.register(Brand)
class BrandAdmin(CategoryAdmin):
    pass


class AttributeTermInline(HubTabularInline):
    model = AttributeTerm
    fields = ["name", "slug", "description", "menu_order"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Attribute)
class AttributeAdmin(HubModelAdmin):
    list_display = ["name", "slug", "order_by", "has_archives"]
    search_fields = ["name", "slug"]
    inlines = [AttributeTermInline]


@admin.register(AttributeTerm)
class AttributeTermAdmin(HubModelAdmin):
    list_display = ["name", "slug", "attribute", "menu_order"]
    list_select_related = ["attribute"]
    list_filter = ["attribute"]
    search_fields = ["name", "slug"]


@admin.register(Review)
class ReviewAdmin(HubModelAdmin):
    list_display = ["product", "reviewer", "rating", "verified", "status", "created_at"]
    list_select_related = ["product"]
    list_filter = ["status", "rating", "verified"]
    search_fields = ["reviewer", "reviewer_email", "review", "product__name"]
    autocomplete_fields = ["product"]


class ProductImageInline(HubTabularInline):
    model = ProductImage
    fields = ["src", "name", "alt", "position"]


class VariationInline(HubTabularInline):
    """A variable product's variations, edited on the parent."""

    model = Product
    fk_name = "parent"
    verbose_name = "variation"
    verbose_name_plural = "variations"
    fields = [
        "name",
        "sku",
        "variation_attributes",
        "regular_price",
        "sale_price",
        "manage_stock",
        "stock_quantity",
        "stock_status",
        "status",
    ]
    formfield_overrides = {
        models.JSONField: {
            "form_class": PrettyJSONField,
            "widget": forms.Textarea(attrs={"rows": 3, "cols": 30}),
        }
    }
    show_change_link = True


@admin.register(Product)
class ProductAdmin(HubModelAdmin):
    list_display = [
        "id",
        "name",
        "type",
        "sku",
        "price_display",
        "stock_status",
        "stock_quantity",
        "status",
    ]
    list_display_links = ["id", "name"]
    list_filter = ["type", "status", "stock_status", "categories"]
    search_fields = ["name", "sku", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["categories", "tags", "brands"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["updated_at"]
    inlines = [ProductImageInline, VariationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "type",
                    "parent",
                    "status",
                    "name",
                    "slug",
                    "sku",
                    "featured",
                    "catalog_visibility",
                    "menu_order",
                ]
            },
        ),
        ("Descriptions", {"fields": ["short_description", "description"]}),
        (
            "Price",
            {
                "description": "Amounts in minor units (cents) of the store currency.",
                "fields": [
                    "regular_price",
                    "sale_price",
                    "sale_starts_at",
                    "sale_ends_at",
                    "tax_class",
                    "taxable",
                ],
            },
        ),
        (
            "Stock",
            {
                "fields": [
                    "manage_stock",
                    "stock_quantity",
                    "stock_status",
                    "backorders",
                    "low_stock_amount",
                    "sold_individually",
                    "quantity_min",
                    "quantity_max",
                    "quantity_step",
                ]
            },
        ),
        (
            "Shipping and downloads",
            {
                "description": "Weight in grams, dimensions in centimetres; a variation left "
                "empty takes its parent's.",
                "fields": [
                    "virtual",
                    "weight_grams",
                    ("length_cm", "width_cm", "height_cm"),
                    "downloadable",
                    "downloads",
                ],
            },
        ),
        ("Attributes", {"fields": ["attributes", "variation_attributes"]}),
        ("Categories, tags and brands", {"fields": ["categories", "tags", "brands"]}),
        (
            "Reviews and dates",
            {
                "classes": ["collapse"],
                "fields": ["average_rating", "review_count", "created_at", "updated_at"],
            },
        ),
    ]

    @admin.display(description="Price", ordering="regular_price")
    def price_display(self, obj):
        return store_price(obj.price)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.type == Product.Type.VARIATION:
            # A variation has no variations of its own.
            inlines = [i for i in inlines if not isinstance(i, VariationInline)]
        return inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is Product:
            for variation_form in formset.forms:
                if variation_form.instance.pk is None:
                    variation_form.instance.type = Product.Type.VARIATION
        super().save_formset(request, form, formset, change)


@admin.register(ProductImage)
class ProductImageAdmin(HubModelAdmin):
    list_display = ["__str__", "product", "position", "src"]
    list_select_related = ["product"]
    search_fields = ["name", "alt", "src", "product__name", "product__sku"]
    autocomplete_fields = ["product"]


# --- store settings ---
@admin.register(Coupon)
class CouponAdmin(HubModelAdmin):
    list_display = [
        "code",
        "discount_type",
        "amount_display",
        "usage",
        "expires_at",
        "enabled",
    ]
    list_filter = ["discount_type", "enabled", "free_shipping", "individual_use", "expires_at"]
    search_fields = ["code", "description"]
    autocomplete_fields = ["products"]
    fieldsets = [
        (None, {"fields": ["code", "description", "enabled"]}),
        ("Discount", {"fields": ["discount_type", "amount", "free_shipping"]}),
        (
            "Restrictions",
            {
                "fields": [
                    "individual_use",
                    "exclude_sale_items",
                    "products",
                    "minimum_spend",
                    "maximum_spend",
                ]
            },
        ),
        ("Usage", {"fields": ["usage_limit", "usage_count", "expires_at", "created_at"]}),
    ]

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj):
        if obj.discount_type == Coupon.DiscountType.PERCENT:
            return f"{obj.amount}%"
        return store_price(obj.amount)

    @admin.display(description="Usage", ordering="usage_count")
    def usage(self, obj):
        limit = "∞" if obj.usage_limit is None else obj.usage_limit
        return f"{obj.usage_count}/{limit}"


class ShippingMethodInline(HubStackedInline):
    model = ShippingMethod
    fields = [
        ("method_id", "title", "enabled", "order"),
        ("cost", "taxable"),
        ("requires", "min_amount"),
        ("description", "delivery_time"),
        ("countries", "states"),
    ]


@admin.register(ShippingZone)
class ShippingZoneAdmin(HubModelAdmin):
    list_display = ["name", "order", "countries", "states", "method_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    inlines = [ShippingMethodInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_method_count=Count("methods"))

    @admin.display(description="Methods", ordering="_method_count")
    def method_count(self, obj):
        return obj._method_count


@admin.register(ShippingMethod)
class ShippingMethodAdmin(HubModelAdmin):
    list_display = ["title", "rate_id", "zone", "method_id", "cost_display", "enabled", "order"]
    list_filter = ["method_id", "enabled", "zone"]
    list_select_related = ["zone"]
    search_fields = ["title", "description", "zone__name"]
    autocomplete_fields = ["zone"]

    @admin.display(description="Cost", ordering="cost")
    def cost_display(self, obj):
        return store_price(obj.cost)


@admin.register(TaxRate)
class TaxRateAdmin(HubModelAdmin):
    list_display = [
        "name",
        "country",
        "state",
        "rate",
        "priority",
        "shipping",
        "tax_class",
        "order",
    ]
    list_display_links = ["name"]
    list_editable = ["rate"]
    list_filter = ["country", "tax_class", "shipping", "priority"]
    search_fields = ["name", "country", "state"]


# --- customers ---
class CustomerAddressInline(HubStackedInline):
    model = CustomerAddress
    fields = [
        ("kind", "is_default", "label"),
        ("first_name", "last_name", "company"),
        ("address_1", "address_2"),
        ("city", "state", "postcode", "country"),
        ("email", "phone"),
    ]


@admin.register(Customer)
class CustomerAdmin(HubModelAdmin):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "phone",
        "user",
        "order_count",
        "created_at",
    ]
    list_select_related = ["user"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    raw_id_fields = ["user"]
    inlines = [CustomerAddressInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_order_count=Count("orders"))

    @admin.display(description="Orders", ordering="_order_count")
    def order_count(self, obj):
        return obj._order_count


@admin.register(CustomerAddress)
class CustomerAddressAdmin(HubModelAdmin):
    list_display = ["customer", "kind", "is_default", "label", "address_1", "city", "country"]
    list_filter = ["kind", "is_default", "country"]
    list_select_related = ["customer"]
    search_fields = ["customer__email", "first_name", "last_name", "address_1", "city", "postcode"]
    autocomplete_fields = ["customer"]


# --- carts ---
class CartItemInline(HubTabularInline):
    model = CartItem
    fields = ["product", "quantity", "variation", "item_data", "key", "created_at"]
    raw_id_fields = ["product"]
    formfield_overrides = {
        models.JSONField: {
            "form_class": PrettyJSONField,
            "widget": forms.Textarea(attrs={"rows": 3, "cols": 30}),
        }
    }


@admin.register(Cart)
class CartAdmin(HubModelAdmin):
    list_display = [
        "key",
        "vendor",
        "customer_email",
        "item_count",
        "completed",
        "expires_at",
        "updated_at",
    ]
    list_filter = ["vendor", "completed"]
    list_select_related = ["customer"]
    search_fields = ["key", "customer__email"]
    raw_id_fields = ["customer", "draft_order"]
    readonly_fields = ["updated_at"]
    inlines = [CartItemInline]
    fieldsets = [
        (
            None,
            {"fields": ["key", "vendor", "currency", "customer", "completed", "draft_order"]},
        ),
        ("Addresses", {"fields": ["billing_address", "shipping_address"]}),
        (
            "Checkout choices",
            {"fields": ["shipping_rate_id", "coupon_codes", "payment_method", "customer_note"]},
        ),
        ("Extras", {"classes": ["collapse"], "fields": ["additional_fields", "meta"]}),
        ("Dates", {"fields": ["created_at", "updated_at", "expires_at", "completed_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    @admin.display(description="Customer email", ordering="customer__email")
    def customer_email(self, obj):
        if obj.customer_id:
            return obj.customer.email
        return obj.billing_address.get("email") or "—"

    @admin.display(description="Items", ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count


@admin.register(CartItem)
class CartItemAdmin(HubModelAdmin):
    list_display = ["__str__", "cart", "product", "quantity", "created_at"]
    list_select_related = ["cart", "product"]
    search_fields = ["cart__key", "product__name", "product__sku"]
    raw_id_fields = ["cart", "product"]


# --- orders and payments ---
class OrderItemInline(HubTabularInline):
    model = OrderItem
    fields = [
        "product",
        "name",
        "sku",
        "quantity",
        "price",
        "subtotal",
        "subtotal_tax",
        "total",
        "total_tax",
    ]
    raw_id_fields = ["product"]


class PaymentInline(HubTabularInline):
    model = Payment
    # status: set by the gateway's outcome, never by hand; the reference links its
    # PaymentIntent as the payments list does.
    readonly_fields = ["status", "reference_link"]
    fields = [
        "gateway",
        "amount",
        "currency",
        "status",
        "reference",
        "reference_link",
        "error_code",
        "decline_code",
        "created_at",
    ]
    show_change_link = True

    @admin.display(description="Gateway reference")
    def reference_link(self, obj):
        return PaymentAdmin.reference_link(self, obj)


class OrderMetaInline(HubTabularInline):
    model = OrderMeta
    fields = ["key", "value"]
    verbose_name_plural = "order meta (attribution, vendor extras)"


# Statuses staff may move an order to by hand. Not "refunded": money goes back only through
# the refund action (the gateway refunds, then the order moves); not "checkout-draft", which
# only checkout writes.
MANUAL_ORDER_STATUSES = [
    Order.Status.PENDING,
    Order.Status.PROCESSING,
    Order.Status.ON_HOLD,
    Order.Status.COMPLETED,
    Order.Status.CANCELLED,
    Order.Status.FAILED,
]


def move_order(order: Order, new: str) -> Order:
    """`statuses.transition()` as staff use it: moving an unpaid order to processing or
    completed confirms its payment (a bacs or cheque order whose money arrived), as
    WooCommerce sets the paid date when an order reaches a paid status."""
    paid = new in statuses.PAID_STATUSES and not order.is_paid
    return statuses.transition(order, new, paid=paid)


class OrderAdminForm(forms.ModelForm):
    """The order form without a writable status: `move_to` offers only the statuses the
    transition table allows from the current one, and saving moves the order through
    `statuses.transition()` (stock and coupon uses released on cancel or failure)."""

    move_to = forms.ChoiceField(
        required=False,
        label="Change status to",
        help_text="Only the statuses the order may move to from its current one.",
    )

    class Meta:
        model = Order
        fields = []  # OrderAdmin passes the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else None
        self.fields["move_to"].choices = [("", "— keep the current status —")] + [
            (status.value, status.label)
            for status in MANUAL_ORDER_STATUSES
            if current and status != current and statuses.ORDERS.allows(current, status)
        ]


def order_status_action(new: str):
    """An admin action moving the selected orders to `new` through the transition table."""

    def action(modeladmin, request, queryset):
        modeladmin.move_orders(request, queryset, new)

    action.__name__ = f"mark_{new.replace('-', '_')}"
    label = Order.Status(new).label
    return admin.action(description=f"Change status to {label}", permissions=["change"])(action)


@admin.register(Order)
class OrderAdmin(HubModelAdmin):
    form = OrderAdminForm
    list_display = [
        "number_display",
        "status",
        "customer_email",
        "total_display",
        "payment_method",
        "source",
        "created_at",
    ]
    list_filter = ["status", "source", "payment_method", "created_at"]
    date_hierarchy = "created_at"
    # Numbers and keys match exactly: a partial "1" would match half the random order keys.
    search_fields = ["=number", "=order_key", "billing_email"]
    raw_id_fields = ["customer", "cart"]
    # Status, payment status and the holds flags move only with their side effects: through
    # `move_to` / the status actions (statuses.transition) and the payment services.
    readonly_fields = [
        "status",
        "payment_status",
        "stock_reduced",
        "coupon_usage_counted",
        "updated_at",
        "totals_summary",
    ]
    inlines = [OrderItemInline, PaymentInline, OrderMetaInline]
    actions = [
        *(order_status_action(status) for status in MANUAL_ORDER_STATUSES),
        "refund_in_full",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "order_key"),
                    ("status", "payment_status"),
                    "move_to",
                    ("source", "currency"),
                ]
            },
        ),
        (
            "Customer",
            {
                "fields": [
                    "customer",
                    "billing_email",
                    "billing_address",
                    "shipping_address",
                    "customer_note",
                ]
            },
        ),
        (
            "Totals",
            {
                "description": "Amounts in minor units of the order currency.",
                "fields": [
                    "totals_summary",
                    ("subtotal", "subtotal_tax"),
                    ("discount_total", "discount_tax"),
                    ("shipping_total", "shipping_tax"),
                    ("fee_total", "fee_tax"),
                    ("tax_total", "total", "total_refunded"),
                ],
            },
        ),
        (
            "Lines",
            {
                "classes": ["collapse"],
                "fields": ["shipping_lines", "coupon_lines", "tax_lines", "fee_lines"],
            },
        ),
        (
            "Payment",
            {"fields": ["payment_method", "payment_method_title", "transaction_id"]},
        ),
        (
            "Cart and stock",
            {
                "fields": [
                    "cart",
                    "cart_hash",
                    ("stock_reduced", "coupon_usage_counted"),
                    "additional_fields",
                ]
            },
        ),
        ("Dates", {"fields": ["created_at", "updated_at", "paid_at", "completed_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        new = form.cleaned_data.get("move_to")
        if new and new != obj.status:
            try:
                move_order(obj, new)
            except errors.InvalidStatusTransition as exc:
                # The form offered only allowed moves: a refusal here is a bug, shown, not a 500.
                self.message_user(request, f"Order {obj}: {exc.message}", messages.ERROR)

    def move_orders(self, request, queryset, new: str):
        for order in queryset:
            if order.status == new:
                self.message_user(request, f"Order {order} is already {new}.", messages.INFO)
                continue
            try:
                move_order(order, new)
            except errors.InvalidStatusTransition as exc:
                self.message_user(request, f"Order {order}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Order {order}: now {new}.", messages.SUCCESS)

    @admin.action(description="Refund in full through the payment gateway")
    def refund_in_full(self, request, queryset):
        for order in queryset:
            try:
                amount = payments.refund(order)
            except errors.DomainError as exc:
                self.message_user(request, f"Order {order}: {exc.message}", messages.ERROR)
            else:
                shown = money.format_price(amount, order.currency)
                self.message_user(request, f"Order {order}: refunded {shown}.", messages.SUCCESS)

    @admin.display(description="Order", ordering="id")
    def number_display(self, obj):
        return str(obj)

    @admin.display(description="Customer email", ordering="billing_email")
    def customer_email(self, obj):
        return obj.billing_email or "—"

    @admin.display(description="Total", ordering="total")
    def total_display(self, obj):
        return money.format_price(obj.total, obj.currency)

    @admin.display(description="Summary")
    def totals_summary(self, obj):
        if obj.pk is None:
            return "—"
        rows = [
            ("Subtotal", obj.subtotal),
            ("Discount", -obj.discount_total),
            ("Shipping", obj.shipping_total),
            ("Fees", obj.fee_total),
            ("Tax", obj.tax_total),
            ("Total", obj.total),
            ("Refunded", obj.total_refunded),
        ]
        width = max(len(label) for label, _ in rows)
        text = "\n".join(
            f"{label:<{width}}  {money.format_price(amount, obj.currency)}"
            for label, amount in rows
        )
        return format_html("<pre>{}</pre>", text)


@admin.register(OrderItem)
class OrderItemAdmin(HubModelAdmin):
    list_display = ["__str__", "order", "sku", "price_display", "total_display"]
    list_select_related = ["order"]
    search_fields = ["order__number", "order__order_key", "name", "sku"]
    raw_id_fields = ["order", "product"]

    @admin.display(description="Unit price", ordering="price")
    def price_display(self, obj):
        return money.format_price(obj.price, obj.order.currency)

    @admin.display(description="Line total", ordering="total")
    def total_display(self, obj):
        return money.format_price(obj.total, obj.order.currency)


@admin.register(OrderMeta)
class OrderMetaAdmin(HubModelAdmin):
    list_display = ["order", "key", "value"]
    list_select_related = ["order"]
    search_fields = ["order__number", "key", "value"]
    raw_id_fields = ["order"]


@admin.register(Payment)
class PaymentAdmin(HubModelAdmin):
    list_display = [
        "__str__",
        "order",
        "gateway",
        "amount_display",
        "status",
        "reference_link",
        "decline_code",
        "created_at",
    ]
    list_filter = ["gateway", "status"]
    list_select_related = ["order"]
    search_fields = ["reference", "=order__number"]
    raw_id_fields = ["order"]
    # The status is the gateway's outcome (payments services); editing it here would disagree
    # with the order's and the gateway's records.
    readonly_fields = ["status", "updated_at", "reference_link"]
    fieldsets = [
        (None, {"fields": ["order", "gateway", "status", "reference", "reference_link"]}),
        ("Amount", {"fields": [("amount", "amount_refunded", "currency")]}),
        ("Outcome", {"fields": ["error_code", "decline_code", "message", "data"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj):
        return money.format_price(obj.amount, obj.currency)

    @admin.display(description="Gateway reference", ordering="reference")
    def reference_link(self, obj):
        stripe = obj.gateway == stripe_gateway.StripeGateway.id
        url = stripe_gateway.dashboard_url(obj.reference) if stripe else None
        return format_html('<a href="{}">{}</a>', url, obj.reference) if url else obj.reference


# --- checkout sessions ---
def admin_link(obj) -> str:
    """A link to `obj`'s admin change page, or "—" for None."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    return format_html('<a href="{}">{}</a>', url, obj)


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(HubModelAdmin):
    """Hosted checkout sessions. Their content is locked at creation, so the change page is
    read-only; the status moves only through the actions, which go through the service's
    transition table (refusals shown as error messages)."""

    list_display = [
        "public_id",
        "vendor",
        "status",
        "total_display",
        "buyer_email",
        "expires_at",
        "order_link",
        "created_at",
    ]
    list_filter = ["vendor", "status", "expires_at", "created_at"]
    list_select_related = ["order"]
    search_fields = ["=public_id", "=order__number"]
    date_hierarchy = "created_at"
    actions = ["expire_sessions", "cancel_sessions"]
    readonly_fields = [
        "public_id",
        "vendor",
        "status",
        "expires_at",
        "total_display",
        "buyer_email",
        "success_url",
        "cancel_url",
        "cart_link",
        "order_link",
        "snapshot_pretty",
        "metadata_pretty",
        "created_at",
        "updated_at",
        "completed_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("public_id", "vendor"),
                    ("status", "expires_at"),
                    ("total_display", "buyer_email"),
                    ("cart_link", "order_link"),
                ]
            },
        ),
        ("Redirects", {"fields": ["success_url", "cancel_url"]}),
        ("Locked snapshot", {"fields": ["snapshot_pretty"]}),
        ("Metadata", {"fields": ["metadata_pretty"]}),
        ("Dates", {"fields": ["created_at", "updated_at", "completed_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # sessions are made through a vendor's API, with their snapshot

    def has_change_permission(self, request, obj=None):
        # No change form for a session (it is locked), but the changelist actions, which
        # ask for change permission with no object, stay available.
        return obj is None and super().has_change_permission(request)

    @admin.display(description="Total")
    def total_display(self, obj):
        if not obj.currency:
            return "—"
        return money.format_price(obj.total, obj.currency)

    @admin.display(description="Buyer email")
    def buyer_email(self, obj):
        return obj.buyer_email or "—"

    @admin.display(description="Order", ordering="order")
    def order_link(self, obj):
        return admin_link(obj.order)

    @admin.display(description="Cart")
    def cart_link(self, obj):
        return admin_link(obj.cart)

    snapshot_pretty = pretty_field("snapshot", "Snapshot")
    metadata_pretty = pretty_field("metadata", "Metadata")

    def _move(self, request, queryset, move, done: str):
        for session in queryset:
            try:
                move(session)
            except errors.InvalidStatusTransition as exc:
                self.message_user(request, f"Session {session}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Session {session}: {done}.", messages.SUCCESS)

    @admin.action(description="Expire selected sessions now", permissions=["change"])
    def expire_sessions(self, request, queryset):
        self._move(request, queryset, checkout_sessions.expire, "expired")

    @admin.action(description="Cancel selected sessions", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        self._move(request, queryset, checkout_sessions.cancel, "cancelled")


# --- the hub's own records ---
def scenario_choices():
    return [("", "---------")] + [
        (name, f"{name} — {scenario.description}")
        for name, scenario in scenarios.VOCABULARY.items()
    ]


class ScenarioRuleForm(forms.ModelForm):
    scenario = forms.ChoiceField(
        choices=scenario_choices,
        help_text=(
            "The outcome to force on matching requests. A request can also ask for a scenario "
            f"itself with the X-Hub-Scenario header or the {scenarios.QUERY_PARAM} query "
            "parameter; stored rules only apply when it does neither."
        ),
    )

    class Meta:
        model = ScenarioRule
        fields = ScenarioRule.EDITABLE_FIELDS


@admin.register(ScenarioRule)
class ScenarioRuleAdmin(HubModelAdmin):
    form = ScenarioRuleForm
    list_display = [
        "scenario",
        "vendor",
        "method",
        "path_pattern",
        "enabled",
        "remaining_uses",
        "expires_at",
        "hits",
    ]
    list_editable = ["enabled"]
    list_filter = ["enabled", "vendor", "scenario"]
    search_fields = ["scenario", "path_pattern", "note"]
    readonly_fields = ["hits", "created_at"]
    fields = [
        "scenario",
        ("vendor", "method"),
        "path_pattern",
        "enabled",
        ("remaining_uses", "expires_at"),
        "note",
        ("hits", "created_at"),
    ]
    actions = ["enable_rules", "disable_rules"]

    @admin.action(description="Enable selected rules")
    def enable_rules(self, request, queryset):
        queryset.update(enabled=True)
        scenarios.forget_rules()  # update() sends no post_save

    @admin.action(description="Disable selected rules")
    def disable_rules(self, request, queryset):
        queryset.update(enabled=False)
        scenarios.forget_rules()


@admin.register(RequestLog)
class RequestLogAdmin(HubModelAdmin):
    """The request journal: rows are written by the middleware and only ever read here."""

    list_display = [
        "created_at",
        "vendor",
        "method",
        "path",
        "status",
        "duration_ms",
        "correlation_id",
        "scenario",
    ]
    list_filter = ["vendor", "status", "method"]
    search_fields = ["correlation_id", "path"]
    ordering = ["-id"]
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = [
        "created_at",
        "vendor",
        "method",
        "path",
        "query",
        "status",
        "duration_ms",
        "correlation_id",
        "scenario",
        "remote_addr",
        "request_headers_pretty",
        "request_body_pretty",
        "response_headers_pretty",
        "response_body_pretty",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("created_at", "duration_ms"),
                    ("vendor", "scenario"),
                    ("method", "status"),
                    "path",
                    "query",
                    ("correlation_id", "remote_addr"),
                ]
            },
        ),
        ("Request", {"fields": ["request_headers_pretty", "request_body_pretty"]}),
        ("Response", {"fields": ["response_headers_pretty", "response_body_pretty"]}),
    ]

    def get_queryset(self, request):
        journal.flush(timeout=2)  # the rows this process has queued are shown too
        return super().get_queryset(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Without change permission the change view still opens, read-only, for anyone with
        # the view permission (superusers always).
        return False

    request_headers_pretty = pretty_field("request_headers", "Request headers")
    request_body_pretty = pretty_field("request_body", "Request body")
    response_headers_pretty = pretty_field("response_headers", "Response headers")
    response_body_pretty = pretty_field("response_body", "Response body")


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(HubModelAdmin):
    """Stored Idempotency-Key replies (the Stripe fake's and the HWP bridge's), read-only."""

    list_display = ["created_at", "scope", "key", "endpoint", "status_code", "completed_at"]
    list_filter = ["scope", "status_code"]
    search_fields = ["key"]
    readonly_fields = [
        "scope",
        "key",
        "endpoint",
        "fingerprint",
        "status_code",
        "response_headers_pretty",
        "response_body_pretty",
        "created_at",
        "completed_at",
    ]
    exclude = ["response_headers", "response_body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    response_headers_pretty = pretty_field("response_headers", "Response headers")
    response_body_pretty = pretty_field("response_body", "Response body")


from checkout_hub import webhooks_admin  # noqa: E402, F401  (outbound webhooks)
