"""Actuarial projections of the social insurance funds under ageing, from the rules' own parameters.

A pure package (numpy and PyYAML; matplotlib only when a report is drawn): it never imports Django or the
web, API or app layers, and reads contribution rates, base bounds, the basic pension formula, the annuity
divisor table, the retirement-age schedule and pension indexation from ``socsec.rules`` parameters, so
administration and projection use one source. A scenario may amend those parameters by date.

Model (cohort-component, single ages 0-110 x sex x year, default 100 years; vectorised over stochastic
runs as arrays of shape (runs, sex, age)):

* population: base population, fertility by age, mortality q(x) with yearly improvement, net migration;
* labour: employment rate by age and sex, split into employment forms (standard employee, platform /
  new forms, self-employed; the rest not working) with coverage, contribution density, relative wage
  and a contribution base (own wage clamped to the rules' 60%-300% bounds, or the floor);
* pension: contributions at the rules' rates; at the statutory retirement age (the rules' formula, per
  birth cohort) insured persons with the rules' minimum years get basic pension = average wage x (1 +
  average indexed wage ratio) / 2 x years x accrual rate, plus individual account balance / divisor;
  pensions rise by the rules' yearly increase for the enacted years, then by the scenario's assumed
  increase (``pension.indexation_beyond_rules``: the rules hold no future figure); accounts of those
  who die or lack the minimum years are refunded;
* occupational injury (OIP): per-order contributions at the rules' amounts; cases = incidence x workers,
  each costing the rules' lump sums and allowances by disability grade x the benefit base;
* unemployment: the rules' rate on covered employees' wages; claims = incidence x covered, paid for a
  duration capped by the rules' maximum; long-term care: incapacity prevalence by age x insured;
* funds: income = contributions + subsidies + investment return on the opening reserve; reserve(t + 1) =
  reserve(t) + income - expenditure, exactly (the same floating-point operation).

Time convention: a cohort's age in a year is the age it reaches that year (year - birth year); each
cohort is treated as born on 1 January, so the fraction of its retirement year spent retired comes from the
months of the statutory age (the rules' formula, averaged over the 12 birth months), not from birthdays
spread over the year. Entry into work, accrual and retirement use the same convention.

Simplifications (stated, not hidden): per-cohort averages stand for individuals (coverage, years and
account balances are cohort means; the ever-insured share is the highest coverage rate the cohort met,
a lower bound); mortality does not depend on insurance status; survivors' pensions, the residents'
pension and early or deferred retirement are not modelled; the women's 50 retirement group is not in the
rules yet, so all women follow the 55 group.

Money: projected amounts are aggregates in yuan held as float64. They are not ledger money (that is
integer cents elsewhere in SocSec) and are never posted anywhere.

Modules: ``inputs`` and ``scenario`` read and check the files; ``rule_values`` the rules' values by year;
``prepare`` turns a scenario into the arrays of ``prepared`` (with ``records`` for a start from the
insured persons' records and ``funds`` for the funds' assumptions); ``projection`` runs the years and
``funds`` the reserves; ``stochastic`` draws the runs' deviations; ``indicators``, ``run`` and ``report``
make the results.

Entry points: :func:`socsec.actuarial.run.run_projection` (scenario files -> result with
``to_tables()``), :func:`socsec.actuarial.report.write_report`, :func:`socsec.actuarial.indicators.career_pension`
(one career's replacement rate, every assumption configurable) and ``socsec project`` on the command line.
"""
