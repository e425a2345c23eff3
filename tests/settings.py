"""Settings of the `socsec` commands the tests run in subprocesses: the project's own, with a fast
password hash (tests only; the test process itself sets the same in conftest)."""

from socsec.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
