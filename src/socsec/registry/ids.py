"""Person ids are drawn at random, so that an id tells nothing of when (or whether before) a person was
registered: with sequential ids, registering a known resident ID would answer an old, low id and a new one
the next id. They stay below 2**53 so that JavaScript clients read them exactly."""

from __future__ import annotations

import secrets

PERSON_ID_LIMIT = 2**53 - 1


def new_person_id() -> int:
    """A random id in 1 .. 2**53 - 1. Two persons draw the same one with a chance of about n / 2**53 per
    registration among n persons; the primary key refuses it and the registering service draws again."""
    return secrets.randbelow(PERSON_ID_LIMIT) + 1
