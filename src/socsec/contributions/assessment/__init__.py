"""Assessing a month's orders and invoicing platforms for them: the assessment run (``runs``), the
invoices it issues (``invoices``), the OIP coverage of each assessed line (``coverage``), platforms'
per-order rate adjustments (``adjustments``), and workers' own contributions withheld at source during
the run (``withholding``)."""
