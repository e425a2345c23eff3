"""What the assistant gives back: an answer's sentences (templates marked for translation, with their
values), its sources, and the explanation the rules give."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    ANSWERED = "ANSWERED"
    REFUSED = "REFUSED"  # another person's data: never answered
    UNKNOWN = "UNKNOWN"  # no rule or record answers it: an officer may be asked


class SourceKind(StrEnum):
    PARAMETER = "parameter"  # a dated rule parameter: its path, value, effective date, legal reference
    FORMULA = "formula"  # a formula of the rules: its name and legal basis
    RECORD = "record"  # one of the person's own records: "claim:12", "coverage:2026-12-02"


@dataclass(frozen=True)
class Line:
    """One sentence: an English template marked ``N_`` (the page translates it) and its values."""

    text: str
    values: dict[str, str | int] = field(default_factory=dict)
    translated: tuple[str, ...] = ()  # the values that are themselves texts to translate (a scheme's label)


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    key: str
    reference: str = ""
    effective_from: str = ""
    value: str = ""


@dataclass(frozen=True)
class Step:
    """One step of the rules' explanation: a formula's label (or a parameter's path) and its value."""

    label: str
    value: str
    reference: str = ""


@dataclass
class Answer:
    intent: str
    outcome: Outcome
    lines: list[Line] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    explanation: list[Step] = field(default_factory=list)

    def cite(self, source: Source) -> None:
        if source not in self.sources:
            self.sources.append(source)

    def source_dicts(self) -> list[dict[str, Any]]:
        return [asdict(s) for s in self.sources]

    def explanation_dicts(self) -> list[dict[str, Any]]:
        return [asdict(s) for s in self.explanation]
