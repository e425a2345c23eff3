"""Claim pages: a worker claims a benefit (a guided form in two steps) and follows their claims
(``worker``); officers work the queue and decide, assess and award (``officer``, with the assessment's
fields in ``assessment_form``); a platform sees the claims on its workers and what it owes (``platform``).
The worker's claim form per kind is in ``forms``. Thin: reads through the benefits selectors, writes
through its services; a refused change shows its reason (role=alert) and changes nothing."""
