"""Texts the rules give people: the marker that lists a text for translation, and how a text or a legal
reference is cleaned of the notes kept for the people who maintain the rules.

The rules are English and never translate (no Django here); the web layer looks each text up in the
catalogue. A reference is a list of citations joined by ``"; "``, each translated on its own, so a
citation shared by many references is translated once. Notes on how far a figure was checked ("(unverified
...)", "policy-facts.md section 3") stay in the rule files and the stored explanation, for those who
maintain the rules, and never reach a page."""

from __future__ import annotations

import re

_UNVERIFIED = re.compile(r"\s*\([^()]*\b(?:unverified|not verified)\b[^()]*\)")
_NOTE = re.compile(r"\b(?:unverified|not verified)\b")
_MAINTAINERS_SOURCES = ("policy-facts.md",)


def N_(text: str) -> str:
    """Marks ``text`` for translation where it is written (the catalogue test collects it); the page
    translates it when it shows it."""
    return text


def public_text(text: str) -> str:
    """``text`` without the notes on how far it was checked: "12 months (unverified for OIP)" ->
    "12 months"."""
    return _UNVERIFIED.sub("", text).strip()


def citations(reference: str) -> list[str]:
    """The citations of a reference as a person reads them, each without maintainers' notes; a citation
    that is only a maintainers' source or note is left out."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(reference):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(reference[start:i])
            start = i + 1
    parts.append(reference[start:])
    out = []
    for part in parts:
        cited = public_text(part)
        if cited and not cited.startswith(_MAINTAINERS_SOURCES) and not _NOTE.search(cited):
            out.append(cited)
    return out
