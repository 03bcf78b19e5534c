"""Commands of the engine, callable without Django.

``python -m entitlement.cli evaluate SCENARIO.json`` works on its own; the ``policy`` Django
app exposes the same commands as ``ddt policy evaluate|compare|measures|check-guide`` by
calling ``add_*_arguments`` and ``run_*`` below. Invalid input raises ``InputError``: the
caller prints it on stderr and exits with status 2, and nothing is written on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .engine import evaluate
from .guide import GuideError, load_guide_file, parse_guide, resolve_guide
from .measures import catalogue_as_json
from .scenario import Scenario, ScenarioError, parse_scenario

EXIT_INVALID = 2
REPLAY_HELP = (
    "重放资金测算批次并核对结果（需数据库：ddt policy replay RUN_ID）/ "
    "replay a stored proposal run and compare (needs the database)"
)

HELP = {
    "evaluate": "按年度指南测算情景中每笔申报的应得金额并说明理由（JSON 或中文文本）/ "
    "Evaluate the claims of a scenario: amount due and reasons citing articles",
    "compare": "在情景自带指南与另一份指南下分别测算，按措施、县区并列合计 / "
    "What-if: totals by measure and by county under the scenario's guide and another guide",
    "measures": "列出政策措施目录（编号、条款、类型、政策上限）/ "
    "List the policy catalogue (ids, articles, kinds, ceilings)",
    "check-guide": "校验年度资金申报指南（未知键、超过政策上限均为错误）/ "
    "Validate an annual guide (unknown keys and values above the policy ceilings are errors)",
}
SCENARIO_HELP = "情景 JSON 文件，- 表示标准输入 / scenario JSON file, - for stdin"
FORMAT_HELP = "输出格式：json（默认）或 text（中文报告）/ output format: json (default) or text"
LANG_HELP = "理由说明的语言：zh（默认）或 en / language of the reason messages"
INDENT_HELP = (
    "JSON 缩进空格数，便于阅读（默认紧凑输出）/ indent the JSON by N spaces for people "
    "(default: compact)"
)


class InputError(ValueError):
    """Invalid input: the message names the file or JSON path; exit status 2."""


def _read_json(name: str) -> object:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read / 无法读取: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg} / JSON 格式错误"  # noqa: E501
        ) from exc


def load_scenario(name: str, *, guide_ref: str | None = None) -> Scenario:
    raw = _read_json(name)
    try:
        other = resolve_guide(guide_ref) if guide_ref else None
        return parse_scenario(raw, guide=other)
    except (ScenarioError, GuideError) as exc:
        raise InputError("\n".join(exc.problems)) from exc


def _dump(data: Any, out: TextIO, indent: int | None = 2) -> None:
    """JSON on ``out``: compact (no spaces) when ``indent`` is ``None``, else indented.

    The compact form is what machines read (``evaluate``'s default: the C encoder, several
    times faster than an indented dump); ``--indent 2`` is the same data for people."""
    if indent is None:
        out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    else:
        out.write(json.dumps(data, ensure_ascii=False, indent=indent))
    out.write("\n")


# --- evaluate ---


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help=SCENARIO_HELP)
    parser.add_argument("--format", choices=["json", "text"], default="json", help=FORMAT_HELP)
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help=LANG_HELP)
    parser.add_argument("--indent", type=int, default=None, metavar="N", help=INDENT_HELP)


def run_evaluate(options: dict[str, Any], out: TextIO) -> None:
    ev = evaluate(load_scenario(options["scenario"]))
    if options.get("format") == "text":
        from .report import evaluation_text

        out.write(evaluation_text(ev))
    else:
        _dump(ev.as_json(options.get("lang") or "zh"), out, options.get("indent"))


# --- compare ---


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help=SCENARIO_HELP)
    parser.add_argument(
        "--guide",
        required=True,
        help="比较用的指南：YAML 文件或已发布年度（如 2026）/ the other guide: a YAML file or a shipped year",  # noqa: E501
    )
    parser.add_argument("--format", choices=["json", "text"], default="json", help=FORMAT_HELP)


def run_compare(options: dict[str, Any], out: TextIO) -> None:
    scenario = load_scenario(options["scenario"])
    try:
        other = resolve_guide(options["guide"])
    except GuideError as exc:
        raise InputError("\n".join(exc.problems)) from exc
    from .compare import compare
    from .report import comparison_text

    result = compare(scenario, other)
    if options.get("format") == "text":
        out.write(comparison_text(result))
    else:
        _dump(result.as_json(), out)


# --- measures ---


def add_measures_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="输出格式：text（默认）或 json / output format: text (default) or json",
    )


def run_measures(options: dict[str, Any], out: TextIO) -> None:
    if options.get("format") == "json":
        _dump(catalogue_as_json(), out)
    else:
        from .report import measures_text

        out.write(measures_text())


# --- check-guide ---


def add_check_guide_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="指南文件（YAML 或 JSON）/ guide file (YAML or JSON)")


def run_check_guide(options: dict[str, Any], out: TextIO) -> None:
    name = options["file"]
    try:
        guide = parse_guide(_read_json(name)) if name.endswith(".json") else load_guide_file(name)
    except GuideError as exc:
        raise InputError("\n".join(f"{name}: {p}" for p in exc.problems)) from exc
    status = "示例 example" if guide.is_example else (guide.status or "-")
    out.write(
        f"指南有效 / guide is valid: {guide.year} {guide.title}\n"
        f"状态 status: {status}; 措施 measures: {len(guide.measures)}; "
        f"预算 budget: {guide.budget_total:f} ({guide.budget_mode.value})\n"
        f"{guide.content_hash}\n"
    )


COMMANDS: dict[
    str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[dict[str, Any], TextIO], None]]
] = {
    "evaluate": (add_evaluate_arguments, run_evaluate),
    "compare": (add_compare_arguments, run_compare),
    "measures": (add_measures_arguments, run_measures),
    "check-guide": (add_check_guide_arguments, run_check_guide),
}


def run(name: str, options: dict[str, Any], out: TextIO) -> None:
    """Run a command, writing to ``out`` only on success (the output is built first)."""
    import io

    buffer = io.StringIO()
    COMMANDS[name][1](options, buffer)
    out.write(buffer.getvalue())


def main(argv: list[str] | None = None, *, prog: str = "python -m entitlement.cli") -> int:
    """Run an engine command (``ddt policy …`` calls this without starting Django)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="点点通 政策资金测算引擎 / Diandiantong entitlement engine",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (add, _) in COMMANDS.items():
        add(sub.add_parser(name, help=HELP[name], description=HELP[name]))
    if prog.startswith("ddt"):  # the one command that needs the database (Django)
        sub.add_parser("replay", help=REPLAY_HELP, description=REPLAY_HELP)
    args = vars(parser.parse_args(argv))
    try:
        run(args.pop("command"), args, sys.stdout)
    except InputError as exc:
        sys.stderr.write(f"输入无效 / invalid input:\n{exc}\n")
        return EXIT_INVALID
    return 0


if __name__ == "__main__":
    sys.exit(main())
