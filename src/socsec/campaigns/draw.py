"""The control group's draw: a person's bucket in a campaign, from their id and the campaign's id mixed by
two steps of the Park-Miller generator (every product below 2**47, so the database computes the same
integers on SQLite and PostgreSQL as Python does here). A member whose bucket is below ``percent * 100``
is held back. The same person falls in different groups in different campaigns."""

from __future__ import annotations

MODULUS, MULTIPLIER, CAMPAIGN_STRIDE, BUCKETS = 2_147_483_647, 48_271, 7_919, 10_000


def control_bucket(person_id: int, campaign_id: int) -> int:
    """The person's bucket (0-9999) in the campaign's draw."""
    x = (person_id % MODULUS + campaign_id * CAMPAIGN_STRIDE) % MODULUS
    x = x * MULTIPLIER % MODULUS
    x = x * MULTIPLIER % MODULUS
    return x % BUCKETS


def bucket_sql(column: str) -> str:
    """The bucket of the person id in ``column`` as SQL, with one parameter: ``campaign_id * CAMPAIGN_STRIDE``
    (per cent signs doubled for the cursor's parameter style)."""
    x = f"(({column} %% {MODULUS}) + %s) %% {MODULUS}"
    x = f"(({x}) * {MULTIPLIER}) %% {MODULUS}"
    x = f"(({x}) * {MULTIPLIER}) %% {MODULUS}"
    return f"(({x}) %% {BUCKETS})"
