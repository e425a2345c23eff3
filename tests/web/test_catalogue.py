"""The Chinese catalogue is complete, and every entry with a per cent sign is found the way pages look it up."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from tests.web.catalogue import PO, makemessages_ids, marked_ids, read_catalogue, rules_ids, untranslated

# A placeholder ("%(name)s", "%s", "%d") or an escaped per cent sign ("%%"): what may follow a "%".
_FORMAT = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]?\d*(?:\.\d+)?[sdirfx%]")


def _bare_percent(text: str) -> bool:
    return "%" in _FORMAT.sub("", text)


def _strings(m: Message) -> list[str]:
    ids = list(m.id) if isinstance(m.id, tuple) else [m.id]
    strs = list(m.string) if isinstance(m.string, tuple) else [m.string]
    return ids + [s for s in strs if s]


def test_every_text_has_chinese(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed: scripts/test installs it")
    wanted = {**rules_ids(), **marked_ids(), **makemessages_ids(tmp_path)}
    missing = untranslated(read_catalogue(), wanted)
    assert not missing, (
        f"{len(missing)} texts have no Chinese in {PO.name}; append an entry for each at the end of the file:\n"
        + "\n".join(missing)
    )


def test_a_literal_per_cent_sign_is_written_twice() -> None:
    """Django's {% translate %} and {% blocktranslate %} look "40%" up as "40%%", and so does the rules'
    lookup (socsec.web.i18n.catalogue_id): an entry written "40%" would never be found."""
    bare = [m.id for m in read_catalogue() if m.id and any(_bare_percent(s) for s in _strings(m))]
    assert not bare, "write a literal per cent sign as %% (msgid and msgstr): " + repr(bare)


def test_entries_with_a_per_cent_sign_are_python_format() -> None:
    """The translation of an entry with %% is %-formatted (its %% becomes %): gettext's tools must know."""
    text = PO.read_text(encoding="utf-8")
    wrong = []
    for block in text.split("\n\n"):
        flagged = "#, python-format" in block or re.search(r"#,.*\bpython-format\b", block)
        ids = re.findall(r'^msgid(?:_plural)? "(.*)"', block, re.M)
        if ids and any("%" in i for i in ids) and (not flagged or "no-python-format" in block):
            wrong.append(ids[0])
    assert not wrong, "mark these #, python-format: " + repr(wrong)


def test_the_catalogue_compiles_with_gettext_and_with_babel(tmp_path: Path) -> None:
    locale = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(PO, locale / "django.po")
    babel = subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "compile",
            "--domain",
            "django",
            "--directory",
            str(tmp_path / "locale"),
        ],
        capture_output=True,
        text=True,
    )
    assert babel.returncode == 0, babel.stderr
    if shutil.which("msgfmt"):
        gnu = subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "gnu.mo"), str(PO)], capture_output=True, text=True
        )
        assert gnu.returncode == 0, gnu.stderr
