"""A platform's pages: its workers (register, end an engagement) and its invoices."""
