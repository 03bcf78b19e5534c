from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics and the 2027 targets (统计监测).

    Named `stats`: `statistics` is a stdlib module.
    """

    name = "stats"
    verbose_name = _("统计监测 Statistics and 2027 targets")
