from django.apps import AppConfig


class WooStoreConfig(AppConfig):
    name = "woo_store"
    verbose_name = "WooCommerce Store API"
