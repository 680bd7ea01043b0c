"""The APIs the hub speaks; stored on carts, orders and journal rows as their source."""

from django.db import models


class Vendor(models.TextChoices):
    WOO_STORE = "woo_store", "WooCommerce Store API"
    COCART = "cocart", "CoCart"
    FLUENTCART = "fluentcart", "FluentCart"
    PANCAKE = "pancake", "Waffo Pancake"
    HWP_BRIDGE = "hwp_bridge", "HWP checkout bridge"
    STRIPE = "stripe", "Stripe (fake)"
    HUB = "hub", "Checkout Hub"
