"""Every page of the site is in the all-pages browser tests' list, or excluded with a reason."""

from __future__ import annotations

from tests.web.all_pages import EXCLUDED, VISITS, named_addresses


def test_every_page_is_visited_or_excluded_with_a_reason():
    names, unnamed = named_addresses()
    visited = {v.name for v in VISITS}
    assert unnamed == [], "name these patterns so the all-pages tests can list them"
    missing = sorted(names - visited - set(EXCLUDED))
    assert missing == [], f"add these pages to VISITS (or EXCLUDED, with a reason) in tests/web/all_pages.py: {missing}"
    assert sorted((visited | set(EXCLUDED)) - names) == [], "listed pages that no longer exist"
    assert visited & set(EXCLUDED) == set()
