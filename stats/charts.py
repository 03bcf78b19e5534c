"""Server-side SVG charts for the PDF report (ECharts runs only in the browser).

Plain SVG strings: bars and lines with axis labels; text in the CJK font the report uses.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

FONT = "Noto Sans CJK SC"
COLOURS = ["#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626"]


def _fmt(value: float) -> str:
    if abs(value) >= 1e8:
        return f"{value / 1e8:.2f}亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:.1f}万"
    return f"{value:.0f}"


def _frame(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">'
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[Decimal | int | float]]],
    *,
    width: int = 640,
    height: int = 260,
) -> str:
    """Grouped vertical bars; one colour per series, a legend when more than one series."""
    left, right, top, bottom = 60, 10, 30, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _n, data in series for v in data] or [0.0]
    peak = max(max(values), 1.0)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#555"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_fmt(peak)}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    n = max(len(labels), 1)
    slot = plot_w / n
    bar_w = slot * 0.8 / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for s, (_name, data) in enumerate(series):
            v = float(data[i]) if i < len(data) else 0.0
            h = plot_h * v / peak
            body.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}"/>'
            )
        body.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle" font-size="9">{escape(label)}</text>'
        )
    if len(series) > 1:
        for s, (name, _data) in enumerate(series):
            x = left + s * 110
            body.append(
                f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
                f'fill="{COLOURS[s % len(COLOURS)]}"/>'
                f'<text x="{x + 14}" y="{height - 5}">{escape(name)}</text>'
            )
    return _frame(width, height, body, title)


def line_chart(
    title: str,
    labels: list[str],
    values: list[Decimal | int | float],
    *,
    goal: Decimal | int | float | None = None,
    width: int = 300,
    height: int = 180,
) -> str:
    """One line with point markers and an optional dashed goal line."""
    left, right, top, bottom = 50, 10, 28, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    nums = [float(v) for v in values]
    peak = max([*nums, float(goal or 0), 1.0])
    n = max(len(nums) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top + plot_h - plot_h * v / peak

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#555"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_fmt(peak)}</text>',
    ]
    if goal is not None:
        gy = top + plot_h - plot_h * float(goal) / peak
        body.append(
            f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" stroke="#dc2626" '
            f'stroke-dasharray="4 3"/>'
        )
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(nums)))
    if points:
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>'
        )
    for i, v in enumerate(nums):
        x, y = xy(i, v)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[0]}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
            f"{escape(labels[i] if i < len(labels) else '')}</text>"
        )
    return _frame(width, height, body, title)
