from django.apps import AppConfig


class CoCartConfig(AppConfig):
    name = "cocart"
    verbose_name = "CoCart"
