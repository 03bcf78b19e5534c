from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarehousesConfig(AppConfig):
    name = "warehouses"
    verbose_name = _("海外仓 Overseas warehouses")
