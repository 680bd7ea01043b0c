from django.apps import AppConfig


class PancakeConfig(AppConfig):
    name = "pancake"
    verbose_name = "Waffo Pancake"
