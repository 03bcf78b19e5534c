"""Navigation by role: which menu entries a user sees. Entries name URL patterns."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.access import is_partner


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # optional dotted path of a predicate ``(user) -> bool`` narrowing the roles (e.g. only
    # the logistics partners among the partners); apps own the rule, core only names it
    when: str = ""
    # for a partner: the partner kinds (accounts.PartnerKind) whose work the page is; empty: every
    # partner the roles admit (a bank is not shown the warehouse registry it has no use for)
    partner_kinds: frozenset[str] = frozenset()

    def shown_to(self, user: object) -> bool:
        if (
            self.partner_kinds
            and is_partner(user)  # type: ignore[arg-type]
            and getattr(user, "partner_kind", "") not in self.partner_kinds
        ):
            return False
        return not self.when or bool(import_string(self.when)(user))

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


OFFICERS = frozenset({"county_officer", "city_reviewer", "finance_officer", "administrator"})
ALL = frozenset(
    {"enterprise", "county_officer", "city_reviewer", "finance_officer", "partner", "administrator"}
)

NAV: list[NavItem] = [
    NavItem(_("首页"), "core:home", ALL | {"public"}),
    NavItem(_("我的企业"), "enterprises:mine", frozenset({"enterprise"})),
    NavItem(_("政策匹配"), "funds:matching", frozenset({"enterprise"})),
    NavItem(_("我的申报"), "applications:mine", frozenset({"enterprise"})),
    NavItem(_("申报批次"), "applications:rounds", frozenset({"enterprise", "city_reviewer"})),
    NavItem(_("待审申报"), "applications:inbox", frozenset({"county_officer", "city_reviewer"})),
    NavItem(_("全部申报"), "applications:list", OFFICERS),
    NavItem(_("资金测算与公示"), "funds:rounds", frozenset({"city_reviewer", "administrator"})),
    NavItem(_("公示审核"), "funds:notice_manage", frozenset({"city_reviewer", "administrator"})),
    NavItem(_("免申即享候选"), "funds:candidates", frozenset({"city_reviewer", "administrator"})),
    NavItem(
        _("资金拨付"),
        "funds:payments",
        frozenset({"finance_officer", "city_reviewer", "administrator"}),
    ),
    NavItem(_("公示"), "funds:notices", ALL | {"public"}),
    NavItem(
        _("统计看板"),
        "stats:index",
        frozenset(
            {"enterprise", "county_officer", "city_reviewer", "finance_officer", "administrator"}
        ),
    ),
    NavItem(
        _("统计月报"),
        "stats:reports",
        frozenset({"city_reviewer", "finance_officer", "administrator"}),
    ),
    NavItem(_("公开统计"), "stats:open", ALL | {"public"}),
    NavItem(
        _("海关数据"),
        "customs:index",
        frozenset(
            {"enterprise", "county_officer", "city_reviewer", "finance_officer", "administrator"}
        ),
    ),
    NavItem(_("企业档案"), "enterprises:list", OFFICERS),
    NavItem(
        _("企业注册核验"),
        "enterprises:registrations",
        frozenset({"county_officer", "city_reviewer", "administrator"}),
    ),
    NavItem(
        _("档案变更核验"),
        "enterprises:changes",
        frozenset({"county_officer", "city_reviewer", "administrator"}),
    ),
    NavItem(_("产业带"), "enterprises:belt_list", OFFICERS),
    NavItem(_("园区"), "enterprises:park_list", OFFICERS),
    NavItem(_("海外仓"), "warehouses:list", ALL, partner_kinds=frozenset({"warehouse"})),
    NavItem(
        _("物流跟踪"),
        "logistics:list",
        frozenset({"enterprise", "partner", "county_officer", "city_reviewer", "administrator"}),
        partner_kinds=frozenset({"logistics"}),
    ),
    NavItem(_("物流统计"), "logistics:aggregates", OFFICERS),
    NavItem(_("运单查询"), "logistics:track", ALL | {"public"}),
    NavItem(
        _("运力券"),
        "vouchers:list",
        frozenset({"enterprise", "partner"}),
        when="vouchers.selectors.is_voucher_user",
    ),
    NavItem(_("运力券批次"), "vouchers:batches", frozenset({"city_reviewer", "administrator"})),
    NavItem(
        _("运力券结算"),
        "vouchers:settlements",
        frozenset({"finance_officer", "city_reviewer", "administrator"}),
    ),
    NavItem(_("运力券看板"), "vouchers:dashboard", OFFICERS),
    NavItem(
        _("金融保险"),
        "credit:products",
        frozenset({"enterprise", "partner"}),
        when="credit.selectors.is_credit_user",
    ),
    NavItem(
        _("融资保险申请"),
        "credit:applications",
        frozenset({"enterprise", "partner"}),
        when="credit.selectors.is_credit_user",
    ),
    NavItem(_("数据授权"), "credit:consents", frozenset({"enterprise"})),
    NavItem(_("融资保险统计"), "credit:volumes", OFFICERS),
    NavItem(_("出口服务"), "exportdesk:index", frozenset({"enterprise"})),
    NavItem(_("出口服务指引"), "exportdesk:guide", OFFICERS),
    NavItem(
        _("报送记录"),
        "exportdesk:reports",
        frozenset({"partner"}),
        when="exportdesk.selectors.reporting_partner_kind",
    ),
    NavItem(_("代办授权"), "mandates:list", frozenset({"enterprise"})),
    NavItem(
        _("授权企业"),
        "mandates:authorising",
        frozenset({"partner"}),
        when="mandates.selectors.is_service_platform",
    ),
    NavItem(
        _("合规知识库"),
        "compliance:articles",
        ALL,
        when="compliance.selectors.can_read",
        partner_kinds=frozenset({"advisor"}),
    ),
    NavItem(
        _("合规咨询"),
        "compliance:questions",
        frozenset({"enterprise", "partner", "city_reviewer", "administrator"}),
        when="compliance.selectors.is_question_user",
        partner_kinds=frozenset({"advisor"}),
    ),
    NavItem(_("培训与活动"), "events:list", ALL),
    NavItem(_("我的报名"), "events:mine", frozenset({"enterprise"})),
    NavItem(_("代码表"), "codes:index", frozenset({"administrator", "city_reviewer"})),
    NavItem(_("审计日志"), "audit:list", frozenset({"administrator"})),
    NavItem(_("系统管理"), "admin:index", frozenset({"administrator"})),
]


@dataclass(frozen=True)
class HomeCard:
    label: str | Promise
    url: str


def home_cards_for(user: object) -> list[HomeCard]:
    """The home page cards: the user's navigation without the home entry itself."""
    home = NAV[0].url()
    return [HomeCard(label, url) for label, url in nav_for(user) if url != home]


def nav_for(user: object) -> list[tuple[str | Promise, str]]:
    if not getattr(user, "is_authenticated", False):
        role = "public"  # anyone: published notices and open statistics
    elif getattr(user, "is_superuser", False):
        role = "administrator"
    else:
        role = getattr(user, "role", "")
    items = []
    for item in NAV:
        if role in item.roles and item.shown_to(user):
            url = item.url()
            if url:
                items.append((item.label, url))
    return items
