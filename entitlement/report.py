"""Text reports (Chinese) for ``ddt policy evaluate|compare|measures --format text``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .compare import Amounts, Comparison
from .engine import Evaluation, Status
from .measures import BENEFICIARY_ZH, KIND_ZH, catalogue
from .money import fmt_grouped

STATUS_ZH = {
    Status.GRANTED: "予以支持",
    Status.PARTIALLY_GRANTED: "部分支持（预算核减）",
    Status.SUPERSEDED: "就高不重复",
    Status.INELIGIBLE: "不予支持",
    Status.UNFUNDED: "预算已用完",
}
MODE_ZH = {"pro_rata": "按比例核减", "first_come": "按申报先后"}


def width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def table(
    header: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()
) -> list[str]:
    """A plain-text table aligned for CJK text; ``right`` lists right-aligned columns."""
    body = [list(r) for r in rows]
    cols = [max(width(r[i]) for r in [list(header), *body]) for i in range(len(header))]
    align = set(right)
    lines = []
    for r in [list(header), *body]:
        cells = [
            " " * (w - width(c)) + c if i in align else c + " " * (w - width(c))
            for i, (c, w) in enumerate(zip(r, cols, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "-" * width(lines[0]))
    return lines


def _guide_lines(ev: Evaluation) -> list[str]:
    g = ev.guide
    lines = [
        f"年度：{ev.year}    指南：{g.title}",
        f"指南哈希：{g.content_hash}    引擎版本：{ev.engine_version}",
        f"预算：{fmt_grouped(g.budget_total)} 元（{MODE_ZH[g.budget_mode.value]}）",
    ]
    if g.is_example:
        lines.append(f"注意：{g.note or '示例指南，数值待正式指南替换'}")
    return lines


def evaluation_text(ev: Evaluation) -> str:
    cat = catalogue()
    lines = ["点点通 政策资金测算报告", "", *_guide_lines(ev), ""]
    rows = []
    for r in ev.results:
        m = cat.measures[r.claim.measure]
        reason = r.reasons[-1].message("zh") if r.reasons else ""
        rows.append(
            [
                r.claim.id,
                r.claim.beneficiary,
                f"{m.article}{m.title_zh}",
                STATUS_ZH[r.status],
                fmt_grouped(r.computed),
                fmt_grouped(r.granted),
                reason,
            ]
        )
    header = ["申报", "主体", "措施", "结果", "核定金额", "拨付金额", "主要理由"]
    lines += table(header, rows, right=(4, 5))
    t = ev.totals
    counts = {s: sum(1 for r in ev.results if r.status is s) for s in Status}
    lines += [
        "",
        "合计：" + "，".join(f"{STATUS_ZH[s]} {n} 笔" for s, n in counts.items() if n),
        f"核定合计 {fmt_grouped(t.computed)} 元；应付合计 {fmt_grouped(t.due)} 元；"
        f"拨付合计 {fmt_grouped(t.granted)} 元；预算 {fmt_grouped(t.budget)} 元；核减比例 "
        + ("1" if t.scale == 1 else f"{t.scale:f}"),
    ]
    details = [r for r in ev.results if len(r.reasons) > 1]
    if details:
        lines += ["", "理由明细："]
        for r in details:
            lines.append(f"  {r.claim.id}：")
            lines += [f"    - {reason.message('zh')}" for reason in r.reasons]
    return "\n".join(lines) + "\n"


def comparison_text(cmp: Comparison) -> str:
    cat = catalogue()
    a, b = cmp.base, cmp.other
    lines = [
        "点点通 指南比较（假设测算）",
        "",
        f"年度：{a.year}",
        f"现行指南 A：{a.guide.title}（{a.guide.content_hash[:19]}…）",
        f"比较指南 B：{b.guide.title}（{b.guide.content_hash[:19]}…）",
        "应付 = 不受预算限制时应支付的金额（即所需预算）",
        "",
    ]

    def rows(items: list[tuple[str, Amounts, Amounts]], label: dict[str, str]) -> list[list[str]]:
        return [
            [
                label.get(name, name) or "未填县区",
                str(x.claims),
                fmt_grouped(x.due),
                fmt_grouped(x.granted),
                fmt_grouped(y.due),
                fmt_grouped(y.granted),
                fmt_grouped(y.due - x.due),
            ]
            for name, x, y in items
        ]

    header = ["{}", "笔数", "A 应付", "A 拨付", "B 应付", "B 拨付", "应付差额"]
    titles = {m.id: f"{m.id} {m.article}{m.title_zh}" for m in cat.measures.values()}
    lines += ["按措施："]
    lines += table(
        [header[0].format("措施"), *header[1:]], rows(cmp.by_measure, titles), right=range(1, 7)
    )
    lines += ["", "按县区："]
    lines += table(
        [header[0].format("县区"), *header[1:]], rows(cmp.by_county, {}), right=range(1, 7)
    )
    ta, tb = a.totals, b.totals
    lines += [
        "",
        f"合计：A 应付 {fmt_grouped(ta.due)} 元，拨付 {fmt_grouped(ta.granted)} 元，预算 {fmt_grouped(ta.budget)} 元；"  # noqa: E501
        f"B 应付 {fmt_grouped(tb.due)} 元，拨付 {fmt_grouped(tb.granted)} 元，预算 {fmt_grouped(tb.budget)} 元",  # noqa: E501
    ]
    return "\n".join(lines) + "\n"


def measures_text() -> str:
    cat = catalogue()
    rows = []
    for m in cat.measures.values():
        ceilings = "，".join(f"{k} ≤ {v:f}" for k, v in m.ceilings().items()) or "—"
        rows.append(
            [
                m.id,
                m.article,
                m.title_zh,
                KIND_ZH[m.kind],
                BENEFICIARY_ZH[m.beneficiary],
                "是" if m.one_off else "否",
                ceilings,
            ]
        )
    p = cat.policy
    lines = [
        f"{p.title_zh}（{p.window_start} 至 {p.window_end}）",
        "",
        *table(["编号", "条款", "措施", "类型", "支持对象", "一次性", "政策上限"], rows),
        "",
        "同一主体的同一事项符合多项支持政策的，按就高不重复原则给予支持；资金实行预算管理和总量控制。",
    ]
    return "\n".join(lines) + "\n"
