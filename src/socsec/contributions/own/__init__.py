"""Contributions workers pay themselves: paying a month or a period (``payments``), the amounts from
the rules and their ledger posting (``amounts``), relief groups that bring a subsidy (``relief``), and
withholding mandates, by which a platform withholds them at source (``mandates``; the withholding
itself is done by the assessment run, ``assessment.withholding``)."""
