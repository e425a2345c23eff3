"""Contributions: orders platforms report (``orders``), their assessment and invoices
(``assessment``), collecting what platforms owe (``collection``), workers' own contributions
(``own``), and records and statements (``statements``). The models of all of them are in ``models``."""
