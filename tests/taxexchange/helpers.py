"""Lines to hand over and an exchange to hand them to, for the tax exchange's tests."""

from __future__ import annotations

from pathlib import Path

from socsec.audit.services import Actor
from socsec.core.months import month_index, month_name
from socsec.taxexchange.documents import DueLine
from socsec.taxexchange.handovers import SendReport, handovers_send
from socsec.taxexchange.results import FetchReport, handovers_fetch
from socsec.taxexchange.standin import DropFolderExchange

SYSTEM = Actor.system("test")
BASE = 800_000  # 8,000 yuan a month
RATES = {  # employer's and employee's rates, per mille (the tests' own figures)
    "PENSION": (160, 80),
    "MEDICAL": (80, 20),
    "UNEMPLOYMENT": (5, 5),
    "WORK_INJURY": (4, 0),
}


def lines(employer_id: int, person_id: int, month: str, *, base: int = BASE) -> list[DueLine]:
    return [
        DueLine(employer_id, person_id, month, scheme, base, base * er // 1000, base * ee // 1000)
        for scheme, (er, ee) in RATES.items()
    ]


def months(first: str, count: int) -> list[str]:
    return [month_name(month_index(first) + i) for i in range(count)]


def exchange(folder: Path, **kwargs: frozenset[int] | frozenset[str]) -> DropFolderExchange:
    folder.mkdir(exist_ok=True)
    return DropFolderExchange(folder, **kwargs)  # type: ignore[arg-type]


def no_wait(_seconds: float) -> None:
    return None


def send(month: str, due: list[DueLine], ex: DropFolderExchange) -> SendReport:
    return handovers_send(actor=SYSTEM, month=month, lines=due, exchange=ex, sleep=no_wait)


def fetch(ex: DropFolderExchange, month: str | None = None) -> FetchReport:
    return handovers_fetch(actor=SYSTEM, exchange=ex, month=month, sleep=no_wait)


def collect(employer_id: int, person_id: int, paid: list[str], unpaid: list[str], folder: Path) -> None:
    """Hand over and collect the months: ``paid`` ones in full, ``unpaid`` ones not at all."""
    full = exchange(folder / "paid")
    none = exchange(folder / "unpaid", unpaid_persons=frozenset({person_id}))
    for month in paid:
        send(month, lines(employer_id, person_id, month), full)
        fetch(full, month)
    for month in unpaid:
        send(month, lines(employer_id, person_id, month), none)
        fetch(none, month)
