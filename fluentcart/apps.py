from django.apps import AppConfig


class FluentCartConfig(AppConfig):
    name = "fluentcart"
    verbose_name = "FluentCart"
