from django.apps import AppConfig


class HwpBridgeConfig(AppConfig):
    name = "hwp_bridge"
    verbose_name = "HWP checkout bridge"
