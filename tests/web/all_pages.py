"""The list of every page of every role, built against the URL conf: each named web address is either
visited by some role or excluded with a reason, so a page added later fails ``test_all_pages`` until it
is listed here. And the in-browser checks the all-pages tests run on each page: axe-core, and the
language of the text a person reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Prefixes of the URL conf that hold no pages.
NOT_PAGES = {
    "api/": "the JSON API: its errors and documents are tested in tests/api",
    "i18n/": "Django's language switch: a POST that redirects",
}


@dataclass(frozen=True)
class Visit:
    role: str
    name: str  # the URL name, with its namespace
    kwargs: tuple[str, ...] = ()  # the ids the address needs, by key: person, claim, job...
    query: str = ""


VISITS = [
    Visit("anonymous", "web:login"),
    Visit("worker", "web:my_coverage"),
    Visit("worker", "web:my_contributions"),
    Visit("worker", "web:my_statement"),
    Visit("worker", "web:my_pension_estimate"),
    Visit("worker", "web:my_transfers"),
    Visit("worker", "web:my_corrections"),
    Visit("worker", "web:my_join"),
    Visit("worker", "web:my_pay"),
    Visit("worker", "web:my_payment", ("reference",)),
    Visit("worker", "web:local_provider", ("reference",)),
    Visit("worker", "web:my_withholding"),
    Visit("worker", "web:my_withholding_end", ("mandate_id",)),
    Visit("worker", "web:my_claims"),
    Visit("worker", "web:my_services"),
    Visit("worker", "web:claim_new"),
    Visit("worker", "web:my_claim", ("claim_id",)),
    Visit("worker", "web:inbox"),
    Visit("worker", "web:notification_preferences"),
    Visit("platform", "web:inbox"),
    Visit("platform", "web:platform_orders"),
    Visit("platform", "web:platform_invoices"),
    Visit("platform", "web:platform_statement"),
    Visit("platform", "web:employer_tax_results"),
    Visit("platform", "web:platform_claims"),
    Visit("platform", "web:platform_workers"),
    Visit("platform", "web:platform_worker_new"),
    Visit("platform", "web:platform_engagement_end", ("engagement_id",)),
    Visit("platform", "web:platform_workers_upload"),
    Visit("platform", "web:employer_payroll"),
    Visit("platform", "web:employer_statement"),
    Visit("platform", "web:employer_arrears"),
    Visit("platform", "web:person_search", query="q=张伟"),
    Visit("platform", "web:person_detail", ("person_id",)),
    Visit("officer", "web:person_search", query="q=张伟"),
    Visit("officer", "web:person_detail", ("person_id",)),
    Visit("officer", "web:officer_claims"),
    Visit("officer", "web:officer_claim", ("claim_id",)),
    Visit("officer", "web:overview"),
    Visit("officer", "web:arrears"),
    Visit("officer", "web:officer_payments"),
    Visit("officer", "web:tokens"),
    Visit("officer", "web:officer_claim_search", query="sort=newest"),
    Visit("officer", "web:officer_suspensions"),
    Visit("officer", "web:officer_suspension", ("suspension_id",)),
    Visit("officer", "web:officer_risk_cases"),
    Visit("officer", "web:officer_risk_rules"),
    Visit("officer", "web:officer_risk_case", ("case_id",)),
    Visit("officer", "web:officer_death_notice", ("person_id",)),
    Visit("officer", "web:payment_record"),
    Visit("officer", "web:bank_statement"),
    Visit("officer", "web:officer_jobs"),
    Visit("officer", "web:officer_job", ("job_id",)),
    Visit("officer", "web:officer_tax_handovers"),
    Visit("officer", "web:officer_tax_handover", ("handover_id",)),
    Visit("officer", "web:officer_employers_not_declaring"),
    Visit("officer", "web:person_register"),
    Visit("officer", "web:officer_provider_payments"),
    Visit("officer", "web:officer_transfers"),
    Visit("officer", "web:inbox"),
    Visit("officer", "web:officer_outbox"),
    Visit("officer", "web:officer_agency_outbox"),
    Visit("officer", "web:officer_agency_inbox"),
    Visit("officer", "web:officer_partners"),
    Visit("officer", "web:officer_pensioner_checks"),
    Visit("worker", "web:my_assistant"),
    Visit("officer", "web:officer_enquiries"),
    Visit("auditor", "web:officer_assistant_log"),
    Visit("officer", "web:campaigns"),
    Visit("officer", "web:campaign_new"),
    Visit("officer", "web:officer_partner_data"),
    Visit("supervisor", "web:overview"),
    Visit("supervisor", "web:officer_claims"),
    Visit("supervisor", "web:projections"),
    Visit("supervisor", "web:service_quality"),
    Visit("supervisor", "web:supervisor_funds"),
    Visit("supervisor", "web:supervisor_coverage"),
    Visit("officer", "web:officer_quality"),
    Visit("officer", "web:officer_quality_finding", ("finding_id",)),
    Visit("supervisor", "web:audit"),
    Visit("supervisor", "web:tokens"),
    Visit("supervisor", "web:campaigns"),
    Visit("auditor", "web:audit"),
    Visit("auditor", "web:audit", query="object_type=registry.Engagement"),
    Visit("auditor", "web:audit_data_access"),
    Visit("auditor", "web:overview"),
    Visit("auditor", "web:arrears"),
    Visit("auditor", "web:officer_payments"),
    Visit("auditor", "web:officer_provider_payments"),
    Visit("auditor", "web:officer_transfers"),
    Visit("auditor", "web:person_search", query="q=张伟"),
    Visit("auditor", "web:person_detail", ("person_id",)),
]

EXCLUDED = {
    "web:officer_quality_run": "a POST that queues the data-quality check and redirects: tests/quality",
    "web:my_correction_decide": "a POST that confirms or rejects and redirects to the corrections: tests/quality",
    "web:supervisor_threshold_set": "a POST that redirects to the fund dashboard: tests/supervision",
    "web:supervisor_alert_acknowledge": "a POST that redirects to the fund dashboard: tests/supervision",
    "web:home": "redirects to the role's first page, which is visited",
    "web:logout": "a POST that redirects to the login page",
    "web:overview_refresh": "a POST that queues a count and redirects to the overview: tests/web/test_overview.py",
    "web:otp_enrol": "shown once, before a staff user has a device: test_pages_browser walks it",
    "web:otp_verify": "checked inside each staff role's log-in, at the first size and language",
    "web:token_rotate": "a POST that answers with the tokens page, which is visited",
    "web:token_revoke": "a POST that answers with the tokens page, which is visited",
    "web:platform_order_errors": "a CSV download, not a page",
    "web:audit_export": "a CSV download, not a page",
    "web:healthz": "a JSON health check, not a page",
    "web:officer_transfer_issue": "a POST that issues a transfer, then shows the queue: tests/transfers/test_pages.py",
    "web:provider_callback": "the payment provider's signed POST, answered in JSON, not a page",
    "web:platform_orders_template": "a spreadsheet download, not a page",
    "web:platform_code_list": "a code list download (CSV or spreadsheet), not a page",
    "web:platform_workers_template": "a spreadsheet download, not a page",
    "web:platform_workers_errors": "an error report download, not a page",
    "web:employer_payroll_template": "a spreadsheet download, not a page",
    "web:employer_payroll_errors": "an error report download, not a page",
    "web:employer_contribution": "needs an assessed payroll, which the world of these tests has not: "
    "tests/employers/test_pages.py visits it",
    "oauth_token": "the partner API's OAuth2 token endpoint: a POST answered in JSON (tests/partners/test_api.py)",
    "web:officer_partner": "needs a partner department, which the world of these tests has not: "
    "tests/partners/test_pages.py visits it",
    "web:my_assistant_handover": "a POST that hands a question over and shows the assistant page: tests/assistant",
    "web:officer_job_interrupt": "shown only for a job with no sign of life: tests/web/test_jobs_page.py walks it",
    "web:campaign_preview": "an htmx fragment of the new campaign page: tests/web/test_campaign_pages.py",
    "web:campaign_detail": "needs a campaign sent, which the world of these tests has not: "
    "tests/web/test_campaign_pages.py visits it",
}

ROLES = ["anonymous", "worker", "platform", "officer", "supervisor", "auditor"]
USERNAMES = {"worker": "rider", "platform": "ridego-staff", "officer": "officer", "supervisor": "supervisor"}
USERNAMES["auditor"] = "auditor"


def named_addresses() -> tuple[set[str], list[str]]:
    """Every URL name of the site's pages (with namespaces), and the patterns that have no name."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route in NOT_PAGES:
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, route, ns)
            elif p.name:
                names.add(namespace + p.name)
            else:
                unnamed.append(route)

    walk(get_resolver().url_patterns, "", "")
    return names, unnamed


# Words allowed on a Chinese page outside code: the product's name, file formats, abbreviations people
# use in Chinese too, and the demo world's brand names (organisations are named as they registered).
ALLOWED_LATIN = {
    "SocSec",
    "API",
    "CSV",
    "XLSX",
    "JSON",
    "JSONL",
    "Parquet",
    "Excel",
    "ID",
    "IP",
    "UTC",
    "TOTP",
    "GB",  # the Chinese character encodings GB18030 and GBK, named so on Chinese software too
    "GBK",
    "ISO",  # a standard's name (ISO/IEC 7812-1) and an algorithm's (Luhn): written so in Chinese texts too
    "IEC",
    "Luhn",
    "csv",
    "xlsx",
    "parquet",
    "jsonl",
    "RideGo",
    "Zipper",
    "Courier",
    "Factory",
    "Ltd",
    "Temp",
    "Agency",
}

# The text a person reads: main and nav (every text node outside code, names and hidden elements), the
# page's title with the names on the page taken out, and the labels and titles of elements.
READ_TEXT = """() => {
  const SKIP = 'code, kbd, samp, script, style, template, noscript, [hidden], .name, [translate="no"], '
    + '[lang]:not(html)';
  const texts = [];
  for (const root of document.querySelectorAll('main, nav')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const el = node.parentElement;
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      if (text && el && !el.closest(SKIP)) texts.push(text);
    }
    for (const el of root.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if (el.closest(SKIP)) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v && v.trim()) texts.push(v.trim());
      }
    }
  }
  let title = document.title;
  for (const n of document.querySelectorAll('.name')) {
    const t = n.textContent.trim();
    if (t) title = title.split(t).join('');
  }
  texts.push(title);
  return texts;
}"""

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
  }));
}"""
