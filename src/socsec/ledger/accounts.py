"""The chart of accounts: every ledger account code is built here, by one function per kind of account.

An account code is a path whose first part is its kind (``ACCOUNT_KINDS``). Entries are debit positive,
credit negative; an account's normal sign is the sign its balance has in ordinary use.

=======================================  =========  ==========================================  ========
code                                     kind       what it holds                               normal
=======================================  =========  ==========================================  ========
``receivable:platform:<platform>``       asset      what a platform owes: its OIP invoices and  debit +
                                                    the own contributions it withheld (debits),
                                                    its payments (credits)
``receivable:organisation:<organisation>`` asset  what an employer owes the funds: benefits    debit +
                                                    the fund paid that the employer must bear
``receivable:government:<province>``     asset      the government's subsidy of own             debit +
                                                    contributions in a province, owed to the
                                                    funds
``bank:collection``                      asset      the collection bank account: platforms'     debit +
                                                    payments and workers' own contributions
``bank:pension-transfer``                asset      pension money in transit between provinces: a   debit +
                                                    sending province's transfers out (credits), a
                                                    receiving province's transfers in (debits)
``fund:<scheme>:<province>``             fund       a scheme's pooled fund in a province:       credit -
                                                    contributions in (credits), benefits and
                                                    rebates out (debits)
``fund:<scheme>:<province>:interest``    fund       the interest a province's pension fund      debit +
                                                    credits to individual accounts (debits)
``fund:individual-account:<person>``     fund       a worker's individual pension account: the  credit -
                                                    account part of own contributions and the
                                                    interest credited
``payable:benefits:<person>``            liability  benefits owed to a person by the payment    credit -
                                                    runs
``payable:organisation:<organisation>``  liability  job-retention rebates owed to an            credit -
                                                    organisation
=======================================  =========  ==========================================  ========

``<platform>`` and ``<organisation>`` are organisation codes, ``<province>`` a province's region code
(``440000``), ``<scheme>`` a scheme code (``OIP``, ``EMPLOYEE_PENSION``, ``UNEMPLOYMENT``, ...) and
``<person>`` a person's id."""

from __future__ import annotations

from .models import Account

ACCOUNT_KINDS = {
    "receivable": Account.Kind.ASSET,
    "bank": Account.Kind.ASSET,
    "fund": Account.Kind.FUND,
    "income": Account.Kind.INCOME,
    "payable": Account.Kind.LIABILITY,
}

BANK_COLLECTION = "bank:collection"
INDIVIDUAL_ACCOUNT_PREFIX = "fund:individual-account:"
PENSION_TRANSFER_IN_TRANSIT = "bank:pension-transfer"


def platform_receivable(platform: str) -> str:
    """What the platform with this organisation code owes."""
    return f"receivable:platform:{platform}"


def government_receivable(province: str) -> str:
    """The government's subsidy of own contributions in a province."""
    return f"receivable:government:{province}"


def fund(scheme: str, province: str) -> str:
    """A scheme's pooled fund in a province."""
    return f"fund:{scheme}:{province}"


def fund_interest(scheme: str, province: str) -> str:
    """The interest a scheme's fund in a province credits to individual accounts."""
    return f"fund:{scheme}:{province}:interest"


def pooled_fund(code: str) -> tuple[str, str] | None:
    """(scheme, province) of a scheme's pooled fund account or a sub-account of it (``:interest``); None for
    any other account (a worker's individual account included)."""
    parts = code.split(":")
    if parts[0] != "fund" or code.startswith(INDIVIDUAL_ACCOUNT_PREFIX) or len(parts) not in (3, 4):
        return None
    return parts[1], parts[2]


def individual_account(person_id: int) -> str:
    """A person's individual pension account."""
    return f"{INDIVIDUAL_ACCOUNT_PREFIX}{person_id}"


def individual_account_person(code: str) -> int:
    """The person whose individual account has this code."""
    if not code.startswith(INDIVIDUAL_ACCOUNT_PREFIX):
        raise ValueError(f"account {code!r} is not an individual account")
    return int(code[len(INDIVIDUAL_ACCOUNT_PREFIX) :])


def benefits_payable(person_id: int) -> str:
    """Benefits owed to a person by the payment runs."""
    return f"payable:benefits:{person_id}"


def organisation_receivable(organisation: str) -> str:
    """What the organisation with this code owes the funds (benefits an employer must bear, recovered)."""
    return f"receivable:organisation:{organisation}"


def organisation_payable(organisation: str) -> str:
    """What is owed to the organisation with this code (job-retention rebates)."""
    return f"payable:organisation:{organisation}"
