"""What the catalogue must hold: every msgid the code base can look up, and the catalogue as it is.

Three sources: Django's makemessages over a copy of the package (templates and gettext calls in Python);
the texts the rules give people (coverage reasons, scheme labels, formula labels, code meanings and
references, parameter units and references, shipped scenario titles and descriptions),
read from the rules themselves; and every text marked ``N_(...)`` in the package."""

from __future__ import annotations

import ast
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings

import socsec
from socsec.web.i18n import catalogue_id

PACKAGE = Path(socsec.__file__).parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path = PO) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="zh_Hans")


def makemessages_ids(workdir: Path) -> dict[str, str]:
    """msgid (the singular of a plural) -> where it is used, as Django's makemessages extracts them."""
    copy = workdir / "socsec"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.mo"))
    (workdir / "locale").mkdir()
    here = Path.cwd()
    os.chdir(workdir)
    try:
        with override_settings(LOCALE_PATHS=[str(workdir / "locale")]):
            call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(here)
    extracted = read_catalogue(workdir / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    out = {}
    for m in extracted:
        if m.id:
            msgid = m.id if isinstance(m.id, str) else m.id[0]
            out[msgid] = ":".join(str(x) for x in m.locations[0]) if m.locations else "?"
    return out


def _marked(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "N_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def marked_ids() -> dict[str, str]:
    """Every ``N_("...")`` text in the package, as the pages look it up."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for text in _marked(path):
            out.setdefault(catalogue_id(text), str(path.relative_to(PACKAGE.parent)))
    return out


def _add_reference(out: dict[str, str], reference: str, where: str) -> None:
    from socsec.rules.texts import citations

    for cited in citations(reference):
        out.setdefault(catalogue_id(cited), where)


def _add(out: dict[str, str], text: str | None, where: str) -> None:
    if text and catalogue_id(text):
        out.setdefault(catalogue_id(text), where)


def rules_ids() -> dict[str, str]:
    """The texts the rules give people, as the pages look them up."""
    import socsec.rules.benefits  # noqa: F401  (registers the benefit formulas)
    import socsec.rules.formulas  # noqa: F401  (registers the formulas)
    from socsec.actuarial.shipped import shipped_scenario_list
    from socsec.rules.coverage import REASONS, SCHEME_LABELS
    from socsec.rules.parameters import Parameter, ParameterNode, load_parameters
    from socsec.rules.registry import REGISTRY

    out: dict[str, str] = {}
    for label in SCHEME_LABELS.values():
        _add(out, label, "rules/coverage.py SCHEME_LABELS")
    for code, reason in REASONS.items():
        _add(out, reason.text, f"rules/coverage.py reason {code}")
        _add_reference(out, reason.reference, f"rules/coverage.py reason {code}")
    for name, f in sorted(REGISTRY.items()):
        _add(out, f.label, f"formula {name}")
        _add_reference(out, f.reference, f"formula {name}")
        for meaning in (f.codes or {}).values():
            _add(out, meaning, f"formula {name} codes")

    def walk(node: ParameterNode | Parameter) -> None:  # a parameter's description is not shown to people
        _add_reference(out, node.reference, f"parameter {node.path}")
        if isinstance(node, Parameter):
            _add(out, node.unit, f"parameter {node.path} unit")
        else:
            for child in node.children.values():
                walk(child)

    walk(load_parameters())
    for s in shipped_scenario_list():
        _add(out, s.title, f"scenario {s.key}")
        _add(out, s.description, f"scenario {s.key}")
    return out


def untranslated(catalogue: Catalog, wanted: dict[str, str]) -> list[str]:
    """Each wanted msgid the catalogue lacks, leaves empty or marks fuzzy, with where it is used."""
    missing = []
    for msgid, where in sorted(wanted.items(), key=lambda kv: kv[1]):
        found = catalogue.get(msgid)
        strings = () if found is None else (found.string if isinstance(found.string, tuple) else (found.string,))
        if found is None or found.fuzzy or not all(strings):
            missing.append(f"{where}\n    msgid {msgid!r}")
    return missing
