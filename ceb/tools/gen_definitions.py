"""Generate ``ceb/messages/*.py`` (dataclasses + declarative tables) from the official XSDs.

Usage::

    .venv/bin/python -m ceb.tools.gen_definitions [REFERENCE_DIR]

``REFERENCE_DIR`` defaults to ``$DDT_CEB_REFERENCE`` or ``<repo>/../shared/reference/ceb-2022``.
The output is committed; re-run after an XSD update and review the diff. The generated tables
are plain data (see ``ceb/schema.py``), readable next to the spec's field tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "ceb" / "messages"

FAMILIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # module: (direction, description, message numbers)
    "export_order": ("export", "export orders", ("303", "304")),
    "export_receipts": ("export", "export payment receipts", ("403", "404")),
    "export_logistics": (
        "export",
        "export waybills, arrival and departure",
        ("505", "506", "507", "508", "509", "510"),
    ),
    "export_inventory": (
        "export",
        "export inventories, cancellations and master waybills",
        ("603", "604", "605", "606", "607", "608"),
    ),
    "export_summary": ("export", "export consolidation", ("701", "702", "792")),
    "export_refund": ("export", "export returns", ("213", "214", "215", "216")),
    "import_order": ("import", "import orders", ("311", "312")),
    "import_payment": ("import", "import payments", ("411", "412")),
    "import_logistics": ("import", "import waybills and status", ("511", "512", "513", "514")),
    "import_inventory": (
        "import",
        "import inventories, cancellations and returns",
        ("621", "622", "623", "624", "625", "626"),
    ),
    "import_delivery": ("import", "import goods-receipt details", ("711", "712")),
    "import_tax": ("import", "electronic tax bills and format receipts", ("816", "818", "900")),
}
COMMON = ("BaseTransfer", "BaseSubscribe", "ExtendMessage")


def reference_dir(argv: list[str]) -> Path:
    if len(argv) > 1:
        return Path(argv[1])
    env = os.environ.get("DDT_CEB_REFERENCE")
    return Path(env) if env else REPO.parent / "shared" / "reference" / "ceb-2022"


def const_name(name: str) -> str:
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out += "_"
        out += ch.upper()
    return out


def snake(name: str) -> str:
    return const_name(name).lower()


def label_of(el: etree._Element) -> str:
    doc = el.find(f"{XS}annotation/{XS}documentation")
    if doc is None or not doc.text:
        return ""
    text = " ".join(doc.text.split()).replace('"', "'")
    for sep in ("-", "：", ":", ",", "，", "。", "；", ";", "（", "("):
        if text.find(sep) > 1:
            text = text.split(sep, 1)[0]
    return text.strip()[:40]


@dataclass
class NodeOut:
    xml: str
    cls: str
    const: str
    label: str
    fields: list[str] = field(default_factory=list)  # table lines
    attrs: list[str] = field(default_factory=list)  # dataclass lines
    deps: list[str] = field(default_factory=list)  # node consts used
    message_type: str | None = None
    is_root: bool = False


class Generator:
    def __init__(self, ref: Path, out: Path = OUT) -> None:
        self.ref = ref
        self.out = out
        self.nodes: dict[str, NodeOut] = {}  # const → node
        self.module_of: dict[str, str] = {}  # const → module
        self.order: dict[str, list[str]] = {}  # module → consts in definition order
        self.source: dict[str, etree._Element] = {}  # const → XSD element
        self.current = ""  # message number being generated

    def globals_of(self, schema: etree._Element) -> dict[str, etree._Element]:
        return {el.get("name"): el for el in schema.findall(f"{XS}element")}

    def simple_field(self, el: etree._Element, name: str, optional: bool) -> tuple[str, str]:
        label = label_of(el)
        attr = snake(name)
        fixed = el.get("fixed")
        typ = el.get("type")
        restr = el.find(f"{XS}simpleType/{XS}restriction")
        base = typ or (restr.get("base") if restr is not None else "xs:string")
        facets: dict[str, str] = {}
        if restr is not None:
            for f in restr:
                if isinstance(f.tag, str):
                    facets[etree.QName(f).localname] = f.get("value", "")
        opt = ", optional=True" if optional else ""
        fx = f', fixed="{fixed}"' if fixed is not None else ""
        if base in ("xs:decimal",):
            total = facets.get("totalDigits", "19")
            places = facets.get("fractionDigits", "5")
            line = f'decimal("{name}", "{label}", {total}, {places}{fx}{opt})'
            pytype = "Decimal"
        elif base in ("xs:int", "xs:integer"):
            digits = facets.get("totalDigits")
            d = f", {digits}" if digits else ""
            line = f'integer("{name}", "{label}"{d}{opt})'
            pytype = "int"
        elif base == "xs:string":
            parts = []
            if "length" in facets:
                parts.append(f"length={facets['length']}")
            else:
                if facets.get("minLength") not in (None, "0"):
                    parts.append(f"min_length={facets['minLength']}")
                if "maxLength" in facets:
                    parts.append(f"max_length={facets['maxLength']}")
            if facets.get("whiteSpace") == "collapse":
                parts.append("collapse=True")
            extra = "".join(", " + p for p in parts)
            line = f'text("{name}", "{label}"{extra}{fx}{opt})'
            pytype = "str"
        else:
            raise SystemExit(f"unsupported base type {base} for {name}")
        decl = f"    {attr}: {pytype} | None = None" if optional else f"    {attr}: {pytype}"
        return line, decl

    def complex_node(
        self,
        el: etree._Element,
        name: str,
        prefix: str,
        module: str,
        globals_: dict[str, etree._Element],
    ) -> str:
        cls = name if name in COMMON else f"{prefix}{name}"
        const = const_name(cls)
        if const in self.nodes:
            if self.source[const] is el:
                return const
            # a different local element with the same name (CEB816 and CEB818 both have Tax)
            cls = f"{cls}{self.current}"
            const = const_name(cls)
        self.source[const] = el
        target_module = "common" if name in COMMON else module
        out = NodeOut(name, cls, const, label_of(el))
        seq = el.find(f"{XS}complexType/{XS}sequence")
        assert seq is not None, name
        for sub in seq:
            if not isinstance(sub.tag, str):
                continue
            if sub.tag == f"{XS}any":
                raise SystemExit(f"xs:any inside {name}")
            min_o = int(sub.get("minOccurs", "1"))
            max_raw = sub.get("maxOccurs", "1")
            max_o = None if max_raw == "unbounded" else int(max_raw)
            ref = sub.get("ref")
            sub_name = ref.split(":")[1] if ref else sub.get("name")
            if ref == "ds:Signature":
                out.fields.append(
                    'raw("Signature", "签名", namespace=DS_NS'
                    + (")" if min_o == 0 else ", optional=False)")
                )
                out.attrs.append("    signature: str | None = None")
                continue
            target = globals_[sub_name] if ref else sub
            if sub.get("type") == "ceb:XMLElement":
                out.fields.append(f'raw("{sub_name}", "{label_of(sub)}", optional=False)')
                out.attrs.append(f"    {snake(sub_name)}: str")
                continue
            if target.find(f"{XS}complexType") is not None:
                dep = self.complex_node(target, sub_name, prefix, module, globals_)
                out.deps.append(dep)
                occ = []
                if min_o != 1:
                    occ.append(f"min_occurs={min_o}")
                if max_o != 1:
                    occ.append("max_occurs=None" if max_o is None else f"max_occurs={max_o}")
                out.fields.append(f"child({dep}" + "".join(", " + o for o in occ) + ")")
                dep_cls = self.nodes[dep].cls
                attr = snake(sub_name)
                if max_o is None or max_o > 1:
                    default = " = ()" if min_o == 0 else ""
                    out.attrs.append(f"    {attr}: tuple[{dep_cls}, ...]{default}")
                elif min_o == 0:
                    out.attrs.append(f"    {attr}: {dep_cls} | None = None")
                else:
                    out.attrs.append(f"    {attr}: {dep_cls}")
            else:
                if max_o != 1:
                    raise SystemExit(f"repeated simple element {sub_name} in {name}")
                line, decl = self.simple_field(target, sub_name, min_o == 0)
                out.fields.append(line)
                out.attrs.append(decl)
        self.nodes[const] = out
        self.module_of[const] = target_module
        self.order.setdefault(target_module, []).append(const)
        return const

    def root(self, el: etree._Element, number: str, prefix: str, module: str, g: dict) -> None:
        name = f"CEB{number}Message"
        self.current = number
        const = self.complex_node(el, name, prefix, module, g)
        out = self.nodes[const]
        # rename: root classes are CEBnnnMessage without the direction prefix
        out.cls = name
        out.is_root = True
        out.message_type = f"CEB{number}"
        attrs_ = []
        lines = []
        for a in el.findall(f"{XS}complexType/{XS}attribute"):
            line, decl = self.simple_field(a, a.get("name"), a.get("use") != "required")
            lines.append(line[:-1] + ", attribute=True)")
            if a.get("name") == "version":
                decl = '    version: str = "1.0"'
            attrs_.append(decl)
        out.fields = lines + out.fields
        # the record (first child) gets the message type as a class constant
        rec = self.nodes[out.deps[0]]
        rec.message_type = f"CEB{number}"
        out.attrs = attrs_ + out.attrs

    def run(self) -> None:
        schemas = {
            "export": etree.parse(str(self.ref / "xsd" / "ceb-export.xsd")).getroot(),
            "import": etree.parse(str(self.ref / "xsd" / "ceb-import.xsd")).getroot(),
        }
        for module, (direction, _desc, numbers) in FAMILIES.items():
            g = self.globals_of(schemas[direction])
            prefix = direction.capitalize()
            self.order.setdefault(module, [])
            for n in numbers:
                self.root(g[f"CEB{n}Message"], n, prefix, module, g)
        self.write()

    def render_class(self, n: NodeOut) -> list[str]:
        doc = f"{n.label} ({n.xml})." if n.label else f"{n.xml}."
        lines = ["", "", "@dataclass(frozen=True, kw_only=True)", f"class {n.cls}:"]
        lines.append(f'    """{doc}"""')
        lines.append("")
        if n.message_type:
            lines.append(f'    message_type: ClassVar[str] = "{n.message_type}"')
        # required fields first is not needed: kw_only dataclasses accept any order
        lines.extend(n.attrs)
        return lines

    def render_table(self, n: NodeOut) -> list[str]:
        lines = ["", f"{n.const} = node(", f'    "{n.xml}",', f"    {n.cls},", "    ["]
        lines += [f"        {f}," for f in n.fields]
        lines.append("    ],")
        if n.label:
            lines.append(f'    "{n.label}",')
        lines.append(")")
        return lines

    def write(self) -> None:
        header = (
            '"""{doc}\n\nGENERATED by ``ceb/tools/gen_definitions.py`` from the official 2022 XSD'
            ' — do not edit.\n"""\n'
        )
        written = []
        for module, consts in self.order.items():
            if module == "common":
                doc = (
                    "Elements shared by every declared message.\n\n"
                    "BaseTransfer, BaseSubscribe, ExtendMessage."
                )
            else:
                _direction, desc, numbers = FAMILIES[module]
                doc = (
                    f"CEB 2022 {desc}.\n\nMessages: " + ", ".join(f"CEB{n}" for n in numbers) + "."
                )
            body: list[str] = []
            tables: list[str] = []
            imports: dict[str, set[str]] = {}
            uses = {"node"}
            for c in consts:
                n = self.nodes[c]
                body += self.render_class(n)
                tables += self.render_table(n)
                for dep in n.deps:
                    m = self.module_of[dep]
                    if m != module:
                        imports.setdefault(m, set()).update({dep, self.nodes[dep].cls})
                for f in n.fields:
                    uses.add(f.split("(", 1)[0])
            src = header.format(doc=doc)
            src += "\nfrom __future__ import annotations\n\n"
            src += "from dataclasses import dataclass\n"
            if any("Decimal" in a for c in consts for a in self.nodes[c].attrs):
                src += "from decimal import Decimal\n"
            if any(self.nodes[c].message_type for c in consts):
                src += "from typing import ClassVar\n"
            src += "\n"
            for m, names in sorted(imports.items()):
                src += f"from ceb.messages.{m} import {', '.join(sorted(names))}\n"
            schema_names = sorted(uses - {"child"} | ({"child"} if "child" in uses else set()))
            if any("DS_NS" in f for c in consts for f in self.nodes[c].fields):
                schema_names.append("DS_NS")
            src += f"from ceb.schema import {', '.join(sorted(schema_names))}\n"
            src += (
                "\n".join(body)
                + "\n\n\n# Definitions: XSD sequence order, facets and occurrences.\n"
            )
            src += "\n".join(tables) + "\n"
            roots = [self.nodes[c] for c in consts if self.nodes[c].is_root]
            if roots:
                src += "\nROOTS = (" + " ".join(f"{r.const}," for r in roots) + ")\n"
            path = self.out / f"{module}.py"
            path.write_text(src, encoding="utf-8")
            written.append(path)
        init = [
            '"""Generated message tables, one module per family.\n\n'
            'See ``ceb/tools/gen_definitions.py``.\n"""',
            "",
        ]
        init.append("from __future__ import annotations")
        init.append("")
        init.append("from ceb.schema import MessageDef, Node")
        mods = [m for m in self.order if m != "common"]
        for m in mods:
            init.append(f"from ceb.messages import {m}")
        init.append("")
        init.append("_FAMILIES = {")
        for m in mods:
            init.append(f'    "{m}": ("{FAMILIES[m][0]}", {m}.ROOTS),')
        init.append("}")
        init.append("")
        init.append("")
        init.append("def _defs() -> dict[str, MessageDef]:")
        init.append("    out: dict[str, MessageDef] = {}")
        init.append("    for direction, roots in _FAMILIES.values():")
        init.append("        for root in roots:")
        init.append("            root_node: Node = root")
        init.append('            mtype = root_node.xml.removesuffix("Message")')
        init.append(
            "            out[mtype] = MessageDef(mtype, direction, root_node, root_node.label)"
        )
        init.append("    return out")
        init.append("")
        init.append("")
        init.append("MESSAGES: dict[str, MessageDef] = _defs()")
        init.append('"""Every known message type, keyed ``"CEB603"``."""')
        (self.out / "__init__.py").write_text("\n".join(init) + "\n", encoding="utf-8")
        written.append(self.out / "__init__.py")
        written.append(self.write_typed(mods))
        ruff = REPO / ".venv" / "bin" / "ruff"
        config = ["--config", str(REPO / "pyproject.toml")]
        files = [str(p) for p in written]
        subprocess.run([str(ruff), "format", "-q", *config, *files], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [str(ruff), "check", "--fix", "-q", *config, *files], check=False, capture_output=True
        )

    def write_typed(self, mods: list[str]) -> Path:
        """``typed.py``: one ``parse_cebNNN`` / ``build_cebNNN`` pair per message type."""
        lines = [
            '"""Typed entry points: ``parse_ceb603(data)``, ``build_ceb603(msg)`` and so on.',
            "",
            "Thin wrappers over :func:`ceb.parse` (``message_type`` fixed) and :func:`ceb.build`.",
            "GENERATED by ``ceb/tools/gen_definitions.py`` — do not edit.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "from typing import Any",
            "",
        ]
        for m in mods:
            roots = [n for n in (self.nodes[c] for c in self.order[m]) if n.is_root]
            names = ", ".join(sorted(r.cls for r in roots))
            lines.append(f"from ceb.messages.{m} import {names}")
        lines += ["from ceb.reading import parse", "from ceb.writer import build", ""]
        for m in mods:
            for n in (self.nodes[c] for c in self.order[m]):
                if not n.is_root:
                    continue
                low = n.cls.removesuffix("Message").lower()
                lines += [
                    "",
                    f"def parse_{low}(data: bytes, **options: Any) -> {n.cls}:",
                    f'    """Parse a {n.cls} ({n.label}); see :func:`ceb.parse`."""',
                    f'    mtype = "{n.message_type}"',
                    f"    message: {n.cls} = parse(data, message_type=mtype, **options)",
                    "    return message",
                    "",
                    "",
                    f"def build_{low}(message: {n.cls}, **options: Any) -> bytes:",
                    f'    """Build a {n.cls} ({n.label}); see :func:`ceb.build`."""',
                    "    return build(message, **options)",
                    "",
                ]
        path = self.out.parent / "typed.py" if self.out == OUT else self.out / "typed.py"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def main() -> None:
    Generator(reference_dir(sys.argv)).run()


if __name__ == "__main__":
    main()
