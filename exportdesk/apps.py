from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportdeskConfig(AppConfig):
    name = "exportdesk"
    verbose_name = _("出口服务 Export desk")
