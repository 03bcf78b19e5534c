"""Public information (no login): the policy text, the annual guides and their checklists, the
privacy notice, help (FAQ and contact), and what the visitor's home page shows.

Everything here is read-only and public. The policy text is the shipped copy of the city's 2024
Implementation Opinions (``policy/data/implementation-opinions-2024.txt``, the seed text word for
word); the guides are ``guides/<year>.yaml`` read through the entitlement package, so a page never
states a legal number the engine does not use. Rounds, notices and open statistics come from the
selectors of their apps (only what those already publish).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.excel import excel_response, new_workbook, safe_row
from entitlement.guide import Guide, GuideError, Terms, guides_dir, shipped_guide, shipped_years
from entitlement.measures import Kind, Measure, catalogue

# The privacy notice's version: self-registration records the version the user agreed to
# (``Enterprise.privacy_consent_version``). Change it whenever privacy.html changes in substance.
PRIVACY_VERSION = "2026-12"

POLICY_TEXT = Path(settings.BASE_DIR) / "policy" / "data" / "implementation-opinions-2024.txt"

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SECTION = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_ARTICLE = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）](.*)$")


def cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十九 → 19 (the article numbers of the policy, 1 … 99)."""
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS[text]


@dataclass(frozen=True)
class PolicyBlock:
    """One line of the policy text: a section heading, an article (numbered, with an anchor
    the catalogue's article reference links to) or a plain paragraph."""

    kind: str  # "section" | "article" | "paragraph"
    text: str
    anchor: str = ""
    title: str = ""  # an article's first sentence (its heading in the text)


@lru_cache(maxsize=1)
def policy_blocks() -> tuple[PolicyBlock, ...]:
    blocks: list[PolicyBlock] = []
    for raw in POLICY_TEXT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _SECTION.match(line):
            blocks.append(PolicyBlock("section", line, anchor=f"s{cn_number(m.group(1))}"))
        elif m := _ARTICLE.match(line):
            title, _dot, _rest = m.group(2).partition("。")
            blocks.append(
                PolicyBlock(
                    "article",
                    line,
                    anchor=f"a{cn_number(m.group(1))}",
                    title=f"({m.group(1)}){title}",
                )
            )
        else:
            blocks.append(PolicyBlock("paragraph", line))
    return tuple(blocks)


def article_label(article: str) -> str:
    """An article reference as the reader's language writes it: ``(七)`` in Chinese, ``(7)`` in
    English; the closing paragraph ``末段`` as words."""
    english = (get_language() or "").startswith("en")
    if m := _ARTICLE.match(article.strip()):
        return f"({cn_number(m.group(1))})" if english else article
    return _("末段") if article.strip() == "末段" else article


def article_anchor(article: str) -> str:
    """The anchor of a catalogue article reference: ``(七)`` → ``a7``; ``末段`` → ``closing``."""
    if m := _ARTICLE.match(article.strip()):
        return f"a{cn_number(m.group(1))}"
    return "closing"


# --- annual guides -------------------------------------------------------------------------


def _yuan(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def terms_text(terms: Terms, measure: Measure) -> str:
    """A measure's working values for the year in one plain sentence (the visitor's view of the
    guide): amounts in yuan, rates in per cent."""
    parts: list[str] = []
    y = _("%(v)s 元")
    if terms.min_cbec_trade is not None:
        parts.append(_("跨境电商交易额不低于 %(v)s 元") % {"v": _yuan(terms.min_cbec_trade)})
    if terms.amount is not None:
        parts.append(_("奖励 %(v)s") % {"v": y % {"v": _yuan(terms.amount)}})
    if terms.rate is not None:
        parts.append(_("按费用的 %(r)s 支持") % {"r": _percent(terms.rate)})
    if terms.cap is not None:
        parts.append(_("单项最高 %(v)s") % {"v": y % {"v": _yuan(terms.cap)}})
    if terms.annual_cap is not None:
        parts.append(_("每年最高 %(v)s") % {"v": y % {"v": _yuan(terms.annual_cap)}})
    for threshold, amount in terms.tiers:
        parts.append(
            _("达到 %(t)s 元的奖励 %(a)s 元") % {"t": _yuan(threshold), "a": _yuan(amount)}
        )
    levels = {"provincial": _("省级"), "national": _("国家级")}
    for level, amount in terms.amounts.items():
        parts.append(f"{levels.get(level, level)} {y % {'v': _yuan(amount)}}")
    if not parts and measure.kind is Kind.DISCRETIONARY:
        parts.append(_("按年度指南和评审结果确定"))
    return _("；").join(parts) if parts else "—"


def policy_title() -> str:
    policy = catalogue().policy
    return policy.title_en if (get_language() or "").startswith("en") else policy.title_zh


def measure_title(measure: Measure) -> str:
    return measure.title_en if (get_language() or "").startswith("en") else measure.title_zh


@dataclass(frozen=True)
class GuideRow:
    article: str
    anchor: str
    title: str
    terms: str
    one_off: bool
    needs_cost: bool


def guide_rows(guide: Guide) -> list[GuideRow]:
    rows = []
    for measure_id, measure in catalogue().measures.items():
        terms = guide.measures.get(measure_id)
        if terms is None:
            continue
        rows.append(
            GuideRow(
                article=article_label(measure.article),
                anchor=article_anchor(measure.article),
                title=measure_title(measure),
                terms=terms_text(terms, measure),
                one_off=measure.one_off,
                needs_cost=measure.kind is Kind.COST_SHARE,
            )
        )
    return rows


def guide_list() -> list[Guide]:
    """Every shipped guide, newest first (a guide that does not parse is left out: the
    ``ddt policy check-guide`` command and the tests report it)."""
    guides = []
    for year in reversed(shipped_years()):
        try:
            guides.append(shipped_guide(year))
        except GuideError:
            continue
    return guides


def _guide_or_404(year: int) -> Guide:
    if year not in shipped_years():
        raise Http404("no guide")
    try:
        return shipped_guide(year)
    except GuideError:
        raise Http404("no guide") from None


# --- help: FAQ and contact -------------------------------------------------------------------

FAQ: tuple[tuple[Any, Any], ...] = (
    (
        gettext_lazy("哪些企业可以在平台注册？"),
        gettext_lazy(
            "在连云港市登记注册、开展或准备开展跨境电商业务的企业，以及跨境电商产业园、海外仓的"
            "运营主体，均可在线注册。注册时填写统一社会信用代码、所属县区等信息，由所属县区商务"
            "部门核验后正式生效。"
        ),
    ),
    (
        gettext_lazy("怎样申报政策资金？"),
        gettext_lazy(
            "市商务局按年度发布申报指南并开放申报批次。申报期内，已核验的企业登录后在“我的申报”"
            "中选择批次和支持事项，填写信息、上传佐证材料并提交；县区商务部门初审，市商务局复审，"
            "拟支持项目经公示无异议后拨付。"
        ),
    ),
    (
        gettext_lazy("申报需要准备哪些材料？"),
        gettext_lazy(
            "各事项的支持标准见本页“年度申报指南”，每份指南附有“申报事项清单”（Excel）可下载。"
            "费用类事项需提供发票或合同编号及对应凭证；认定类事项需提供认定文件。具体以当年指南"
            "为准。"
        ),
    ),
    (
        gettext_lazy("对公示结果有异议怎么办？"),
        gettext_lazy(
            "公示期内，任何单位和个人都可以在公示页面实名提出异议，并留下联系电话或电子邮箱。"
            "提交后页面会显示受理编号，凭受理编号和联系方式可在同一页面查询处理情况。"
        ),
    ),
    (
        gettext_lazy("忘记密码怎么办？"),
        gettext_lazy(
            "在登录页点击“忘记密码”，输入注册时填写的电子邮箱，按邮件中的链接设置新密码。"
            "没有收到邮件或邮箱已不再使用的，请联系平台管理员重置密码。"
        ),
    ),
    (
        gettext_lazy("平台如何保护企业数据？"),
        gettext_lazy(
            "企业档案、申报材料和海关数据只对企业本身和依职责办理的商务部门工作人员可见；"
            "公开统计数据只发布由足够多企业汇总而成的数字，不公开单个企业的数据。详见隐私声明。"
        ),
    ),
)


@dataclass(frozen=True)
class Contact:
    organisation: str
    phone: str
    email: str
    address: str
    is_demo: bool


def contact() -> Contact:
    """Who visitors contact: the city bureau of commerce, as the deployment configures it
    (``DDT_CONTACT_*``); the shipped values are marked as demo values on every page."""
    return Contact(
        organisation=settings.DDT_CONTACT_ORGANISATION,
        phone=settings.DDT_CONTACT_PHONE,
        email=settings.DDT_CONTACT_EMAIL,
        address=settings.DDT_CONTACT_ADDRESS,
        is_demo=settings.DDT_CONTACT_IS_DEMO,
    )


# --- the visitor's home ----------------------------------------------------------------------


def public_home_context(*, today: dt.date | None = None) -> dict[str, Any]:
    """What the home page shows a visitor: rounds accepting applications (and the next one),
    notices in their objection period (and the latest past ones), the guides, a few open
    statistics, FAQ and contact."""
    from applications.selectors import accepting_rounds, next_opening
    from funds.selectors import notice_public_qs
    from funds.services.notices import is_open_for_objections
    from stats import opendata

    today = today or timezone.localdate()
    notices = list(notice_public_qs().order_by("-published_on", "-pk")[:20])
    current = [n for n in notices if is_open_for_objections(n, today)]
    past = [n for n in notices if not is_open_for_objections(n, today)][:3]
    stats_year = min(today.year, 2027)
    targets = opendata.open_targets(year=stats_year)["targets"][:4]
    return {
        "rounds": list(accepting_rounds(today=today)[:5]),
        "next_round": next_opening(today=today),
        "current_notices": current,
        "past_notices": past,
        "guides": guide_list(),
        "policy_title": policy_title(),
        "stats_year": stats_year,
        "stats_targets": targets,
        "faq": FAQ,
        "contact": contact(),
    }


# --- views -----------------------------------------------------------------------------------


@require_GET
def policy_text(request: HttpRequest) -> HttpResponse:
    """The policy's full text, with an anchor per article (the guides link to them)."""
    return render(
        request,
        "core/public/policy.html",
        {"blocks": policy_blocks(), "policy": catalogue().policy, "title": policy_title()},
    )


@require_GET
def guide_detail(request: HttpRequest, year: int) -> HttpResponse:
    guide = _guide_or_404(year)
    return render(
        request,
        "core/public/guide.html",
        {"guide": guide, "rows": guide_rows(guide), "budget": _yuan(guide.budget_total)},
    )


@require_GET
def guide_yaml(request: HttpRequest, year: int) -> FileResponse:
    """The guide file itself (machine-readable, the engine's input)."""
    _guide_or_404(year)
    path = guides_dir() / f"{year}.yaml"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"guide-{year}.yaml")
    response["Content-Type"] = "text/yaml; charset=utf-8"
    return response


@require_GET
def guide_checklist(request: HttpRequest, year: int) -> HttpResponse:
    """申报事项清单: one row per measure of the guide, with its standard and what to prepare,
    for an enterprise to fill in its own plan offline."""
    guide = _guide_or_404(year)
    workbook = new_workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(year)
    sheet.append(safe_row([guide.title]))
    sheet.append(
        safe_row(
            [
                _("申报期：%(a)s 至 %(b)s")
                % {"a": guide.opens.isoformat(), "b": guide.closes.isoformat()}
            ]
        )
    )
    sheet.append(
        safe_row(
            [
                _("条款"),
                _("支持事项"),
                _("年度支持标准"),
                _("一次性"),
                _("需提供"),
                _("本企业是否申报（是/否）"),
                _("备注"),
            ]
        )
    )
    for row in guide_rows(guide):
        needs = _("费用发票或合同编号、付款凭证") if row.needs_cost else _("认定文件或业绩证明")
        sheet.append(
            safe_row(
                [
                    row.article,
                    row.title,
                    row.terms,
                    _("是") if row.one_off else _("否"),
                    needs,
                    "",
                    "",
                ]
            )
        )
    for column, width in zip("ABCDEFG", (8, 36, 48, 8, 28, 20, 24), strict=True):
        sheet.column_dimensions[column].width = width
    return excel_response(workbook, f"guide-{year}-checklist.xlsx")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/public/privacy.html", {"version": PRIVACY_VERSION, "contact": contact()}
    )


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    """FAQ and contact, for visitors and signed-in users alike."""
    return render(request, "core/public/help.html", {"faq": FAQ, "contact": contact()})


urlpatterns = [
    path("policy/", policy_text, name="policy_text"),
    path("guides/<int:year>/", guide_detail, name="guide_detail"),
    path("guides/<int:year>.yaml", guide_yaml, name="guide_yaml"),
    path("guides/<int:year>-checklist.xlsx", guide_checklist, name="guide_checklist"),
    path("privacy/", privacy, name="privacy"),
    path("help/", help_page, name="help"),
]
