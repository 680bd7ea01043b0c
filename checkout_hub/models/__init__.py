"""The shared store's models, split by topic."""

from .carts import Cart, CartItem
from .catalog import Category, Product, ProductImage
from .customers import ADDRESS_FIELDS, Customer, CustomerAddress, normalise_email
from .hub import IdempotencyRecord, RequestLog, ScenarioRule
from .orders import Order, OrderItem, OrderMeta, Payment
from .sessions import CheckoutSession
from .store import Coupon, ShippingMethod, ShippingZone, TaxRate
from .taxonomy import Attribute, AttributeTerm, Brand, Review, Tag
from .vendors import Vendor
from .webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ADDRESS_FIELDS",
    "Attribute",
    "AttributeTerm",
    "Brand",
    "Review",
    "Tag",
    "Cart",
    "CartItem",
    "Category",
    "CheckoutSession",
    "Coupon",
    "Customer",
    "CustomerAddress",
    "IdempotencyRecord",
    "Order",
    "OrderItem",
    "OrderMeta",
    "Payment",
    "Product",
    "ProductImage",
    "RequestLog",
    "ScenarioRule",
    "ShippingMethod",
    "ShippingZone",
    "TaxRate",
    "Vendor",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "normalise_email",
]
