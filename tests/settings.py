"""Settings of the `socsec` commands the tests run in subprocesses: the project's own, with a fast
password hash (tests only; the test process itself sets the same in conftest)."""

from socsec.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SOCSEC_RISK_ON_EVENTS = False  # as in the test process (conftest): tests/risk switch it on where they look
