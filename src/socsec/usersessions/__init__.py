"""Sessions that carry their user: the session row names the user it logged in (``UserSession.user``), so
a request reads its session and its user in one query (``socsec.accounts.session_store`` and
``socsec.accounts.session_auth``). The session's signed data stays the authority: the column is only where
to find the user, whom the session's own user id, backend and password hash must still match."""
