from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    """政策库: the catalogue, annual guides and the entitlement engine's commands.

    The engine itself is the Django-free package ``entitlement``; this app exposes it as
    ``ddt policy evaluate|compare|measures|check-guide``.
    """

    name = "policy"
    verbose_name = _("政策库")
