"""A session's mere renewal waits for no batch job; any other change of a session is written as always."""

from __future__ import annotations

from socsec.accounts import session_store
from socsec.accounts.session_store import SessionStore
from socsec.accounts.sessions import SEEN_KEY


def _stored(**data: object) -> SessionStore:
    session = SessionStore()
    for key, value in data.items():
        session[key] = value
    session.save(must_create=True)
    return SessionStore(session.session_key)


def test_a_renewal_only_is_put_off_while_the_database_is_locked(db, monkeypatch):
    session = _stored(**{SEEN_KEY: 100, "user": "7"})
    assert session["user"] == "7"  # loaded
    tried: list[bool] = []

    def locked(write):
        tried.append(True)
        return False  # the write lock was held: nothing written

    monkeypatch.setattr(session_store, "write_briefly", locked)
    session[SEEN_KEY] = 200
    session.save()
    assert (tried, SessionStore(session.session_key)[SEEN_KEY]) == ([True], 100)


def test_any_other_change_is_written_and_a_lock_is_not_hidden(db, monkeypatch):
    session = _stored(**{SEEN_KEY: 100, "user": "7"})
    assert session["user"] == "7"

    def locked(write):
        raise AssertionError("a real change is never put off")

    monkeypatch.setattr(session_store, "write_briefly", locked)
    session["otp_device_id"] = "totp/1"
    session[SEEN_KEY] = 200
    session.save()
    assert dict(SessionStore(session.session_key).items()) == {SEEN_KEY: 200, "user": "7", "otp_device_id": "totp/1"}
