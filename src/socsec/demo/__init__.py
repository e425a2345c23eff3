"""A realistic synthetic pilot, loaded through the same services and checks as real data.

Three provinces with their own average wages and pilot dates (Beijing and Guangdong from the 2022
first batch, Shanxi from the 2026 nationwide roll-out), four platforms for the four pilot sectors, an
intermediary agency, an ordinary employer, and a few thousand workers in all four categories: some on
several platforms, some working in another city than their registered residence, some also employed.
All names and companies are invented. Loading is deterministic (seeded) and safe to re-run.

``pilot`` holds the pilot's fixed data (regions, organisations, activations, accounts' password),
``people`` draws the synthetic workers and their engagements, ``accounts`` creates the demo users,
``orders`` reports last month's orders, ``money`` assesses, invoices and records payments, ``claims``
the benefit stories; ``load.load_demo`` runs them all (``socsec demo``)."""
