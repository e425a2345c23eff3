"""The supervisor's projections page through Django's test client: who may open it, what bad input shows
(and that nothing runs), the htmx fragment and the CSV downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

import socsec.actuarial.shipped as shipped

URL = "/supervisor/projections/"
SUMMARY_HEADER = (
    "scenario,first_year,last_year,general_average_premium,contribution_rate_first_year,pension_reserve_exhausted,"
    "c102_year,c102_replacement_rate,c102_replacement_rate_without_funded_tier,c102_retirement_age,meets_c102,"
    "cost_rate_2050,system_dependency_2050,"
    "cost_rate_2075,system_dependency_2075,cost_rate_2124,system_dependency_2124,replacement_rate_new_men_2035,"
    "replacement_rate_new_women_2035,replacement_rate_new_men_2050,replacement_rate_new_women_2050,"
    "replacement_rate_new_men_2075,replacement_rate_new_women_2075,funded_tier_reserve_exhausted,"
    "injury_reserve_exhausted,unemployment_reserve_exhausted,long_term_care_reserve_exhausted"
)


def client_as(world, role: str) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.fixture
def runs(monkeypatch):
    """Records every projection that starts (the scenario files' names and the runs)."""
    calls: list[tuple[list[str], int]] = []
    real = shipped.run_projection

    def recording(paths, stochastic):
        calls.append(([p.stem for p in paths], stochastic))
        return real(paths, stochastic)

    monkeypatch.setattr(shipped, "run_projection", recording)
    return calls


def test_anonymous_visitors_are_sent_to_log_in(world, runs):
    response = client_as(world, "anonymous").get(f"{URL}?run=1&scenario=baseline")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/supervisor/projections/%3Frun%3D1%26scenario%3Dbaseline"
    assert runs == []


@pytest.mark.parametrize("role", ["worker", "officer", "auditor"])
def test_only_a_supervisor_may_open_the_page(world, runs, role):
    client = client_as(world, role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?run=1&scenario=baseline&format=csv&table=summary").status_code == 403
    assert runs == []
    assert "/supervisor/projections/" not in client.get("/officer/overview/").content.decode()


def test_a_supervisor_sees_the_form_with_the_shipped_scenarios_and_nothing_run(world, runs):
    response = client_as(world, "supervisor").get(URL)
    assert response.status_code == 200
    page = response.context["page"]
    assert [s.key for s in page.scenarios] == [
        "baseline",
        "contribution_rate_cut",
        "funded_tier",
        "platform_mandatory",
        "retirement_age_rise",
    ]
    assert (page.chosen, page.runs_text, page.result, page.error) == (["baseline"], "0", None, None)
    html = response.content.decode()
    assert '<a href="/supervisor/projections/" aria-current="page">Projections</a>' in html
    assert '<label for="scenario-funded_tier">Added funded individual-account tier (4%) from 2027</label>' in html
    assert 'id="scenario-baseline" name="scenario" value="baseline" aria-describedby="about-baseline" checked>' in html
    assert '<p id="projecting" class="htmx-indicator">Projecting 100 years…</p>' in html
    assert "vendor/plotly.min.js" in html
    assert runs == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("run=1", "Choose at least one scenario."),
        ("run=1&scenario=baseline&scenario=../etc/passwd", "Unknown scenario: ../etc/passwd. Choose from the list."),
        ("run=1&scenario=baseline&stochastic=1001", "Stochastic runs must be a whole number from 0 to 1000."),
        ("run=1&scenario=baseline&stochastic=-1", "Stochastic runs must be a whole number from 0 to 1000."),
        ("run=1&scenario=baseline&stochastic=ten", "Stochastic runs must be a whole number from 0 to 1000."),
    ],
)
def test_bad_input_shows_a_message_and_runs_nothing(world, runs, query, message):
    client = client_as(world, "supervisor")
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert f'<p class="error" role="alert">{message}</p>' in response.content.decode().replace("&#x27;", "'")
    assert response.context["page"].result is None
    fragment = client.get(f"{URL}?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert fragment.content.decode().strip().startswith('<section id="projection-result">')
    assert "<html" not in fragment.content.decode()
    csv_response = client.get(f"{URL}?{query}&format=csv&table=summary")
    assert (csv_response.status_code, csv_response["Content-Type"]) == (422, "text/html; charset=utf-8")
    assert runs == []


def test_a_run_answers_the_summary_side_by_side_and_the_chart_data(world, runs):
    query = "run=1&scenario=baseline&scenario=platform_mandatory&stochastic=5"
    response = client_as(world, "supervisor").get(f"{URL}?{query}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert runs == [(["baseline", "platform_mandatory"], 5)]
    page = response.context["page"]
    assert page.names == ["Baseline (current law)", "Mandatory pension coverage of platform workers from 2027"]
    rows = {row.label: row.values for row in page.summary}
    assert rows["Pension: reserve exhausted in"] == ["2052", "2058"]
    assert rows["Unemployment: reserve exhausted in"] == ["not within the horizon", "not within the horizon"]
    assert rows["Meets ILO Convention 102 (at least 40%)"] == ["Yes", "Yes"]
    assert rows["Stochastic runs"] == ["5", "5"]
    html = response.content.decode()
    assert '<script id="projection-charts" type="application/json">' in html
    data = response.context["page"].chart_data
    assert data["years"][0] == 2025 and len(data["years"]) == 100
    assert [(c["id"], c["kind"]) for c in data["charts"]] == [
        ("chart-pension-reserve-ratio", "lines"),
        ("chart-pension-cost-rate", "lines"),
        ("chart-pension-reserve", "lines"),
        ("chart-fan-0", "fan"),
        ("chart-fan-1", "fan"),
    ]
    lines = data["charts"][1]
    assert (lines["title"], lines["x"], lines["y"]) == (
        "PAYG cost rate of the pension",
        "Year",
        "Share of insurable earnings",
    )
    assert [t["name"] for t in lines["traces"]] == page.names
    assert sorted(data["charts"][3]["bands"]) == ["p25", "p5", "p50", "p75", "p95"]
    assert json.loads(html.split('type="application/json">')[1].split("</script>")[0]) == data
    assert [c.rows[0][0] for c in page.charts] == [2025] * 5
    assert [year for year, _values in page.charts[0].rows] == [2025, 2030, 2050, 2075, 2100, 2124]
    assert [label for label, _url in page.downloads] == [
        "Summary",
        "Indicators by year",
        "Replacement rates by cohort",
        "Percentiles of the stochastic runs",
    ]
    assert "/etc/" not in html and "baseline.yaml" not in html  # no server paths on the page


def test_the_summary_downloads_as_csv_with_its_exact_header(world, runs):
    response = client_as(world, "supervisor").get(
        f"{URL}?run=1&scenario=baseline&scenario=funded_tier&stochastic=0&format=csv&table=summary"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="projection-summary.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff" + SUMMARY_HEADER + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["scenario"], r["first_year"], r["last_year"], r["c102_year"]) for r in rows] == [
        ("Baseline (current law)", "2025", "2124", "2055"),
        ("Added funded individual-account tier (4%) from 2027", "2025", "2124", "2055"),
    ]
    assert (rows[0]["pension_reserve_exhausted"], rows[0]["unemployment_reserve_exhausted"]) == ("2052", "")


def test_the_stochastic_percentiles_download_and_a_missing_table_is_not_found(world, runs):
    client = client_as(world, "supervisor")
    response = client.get(f"{URL}?run=1&scenario=baseline&stochastic=3&format=csv&table=stochastic_percentiles")
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0] == "scenario,indicator,year,p5,p25,p50,p75,p95"
    assert len(lines) == 1 + 8 * 100  # eight indicators x 100 years
    none_run = f"{URL}?run=1&scenario=baseline&stochastic=0&format=csv&table=stochastic_percentiles"
    assert client.get(none_run).status_code == 404
    assert client.get(f"{URL}?run=1&scenario=baseline&format=csv&table=../../secrets").status_code == 404


def test_the_page_in_chinese(world, runs):
    client = client_as(world, "supervisor")
    client.cookies["django_language"] = "zh-hans"
    response = client.get(f"{URL}?run=1&scenario=baseline&scenario=retirement_age_rise&stochastic=0")
    html = response.content.decode()
    assert "<h1>精算预测</h1>" in html
    assert '<th scope="col">基准情景（现行政策）</th>' in html
    assert '<label for="scenario-baseline">基准情景（现行政策）</label>' in html
    assert "养老保险：储备耗尽年份" in html
