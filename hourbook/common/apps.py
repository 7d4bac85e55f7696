from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "hourbook.common"
    label = "common"
