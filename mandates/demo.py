"""Demo mandate, through the services: enterprise A authorises the demo service platform
(晶贸通外贸综合服务平台, user ``jingmaotong``) for every scope for 365 days, and the platform
reads A's trade profile once, so A's mandates page shows a recorded act.

Idempotent: when A already has an active mandate to the platform nothing is created. Call after
the registry demo, which creates the users ``jingmaotong`` and ``enterprise_a``.
"""

from __future__ import annotations

from accounts.models import User
from mandates import services
from mandates.models import Mandate, MandateScope


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def load_demo() -> int:
    """Create what is missing; returns the number of mandates created."""
    platform, enterprise_user = _user("jingmaotong"), _user("enterprise_a")
    if platform is None or enterprise_user is None or enterprise_user.enterprise is None:
        return 0
    if Mandate.objects.filter(
        Mandate.active_q(), platform=platform, enterprise=enterprise_user.enterprise
    ).exists():
        return 0
    services.mandate_grant(
        actor=enterprise_user, platform=platform, scopes=MandateScope.values, days=365
    )
    services.trade_profile_read(actor=platform, enterprise=enterprise_user.enterprise)
    return 1
