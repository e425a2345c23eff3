import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from socsec.rules.parameters import ParameterError, load_parameters, load_parameters_from


@pytest.fixture
def tree(tmp_path: Path):
    (tmp_path / "wage.yaml").write_text(
        textwrap.dedent("""
        description: Average wage by region
        metadata: {reference: Test Art. 1, unit: currency-CNY}
        "110000":
          values:
            2024-07-01: {value: 100}
            2025-07-01: {value: 110}
        "440000":
          values:
            2024-07-01: 80
            2026-01-01: {value: null}
    """)
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "rate.yaml").write_text(
        textwrap.dedent("""
        description: A rate
        metadata: {reference: [Law A Art. 2, Notice B], unit: /1}
        values: {2020-01-01: {value: 0.5}}
    """)
    )
    (tmp_path / "sub" / "name.yaml").write_text(
        textwrap.dedent("""
        description: A word, not a number
        values: {2020-01-01: {value: half}, 2021-01-01: {value: true}}
    """)
    )
    return load_parameters_from(tmp_path)


def test_value_by_date_takes_the_value_in_force(tree):
    assert tree.value("wage.110000", dt.date(2025, 6, 30)) == 100
    assert tree.value("wage.110000", "2025-07-01") == 110


def test_a_number_is_read_as_the_type_asked_for(tree):
    on = dt.date(2025, 8, 1)
    assert tree.value_int("wage.110000", on) == 110 and isinstance(tree.value_int("wage.110000", on), int)
    assert tree.value_float("sub.rate", on) == 0.5
    assert tree.value_decimal("sub.rate", on) == Decimal("0.5")
    assert tree.leaf("wage.110000").resolve(on).as_int() == 110
    assert tree.leaf("sub.rate").resolve(on).as_float() == 0.5
    with pytest.raises(ParameterError, match="sub.rate is not a whole number: 0.5"):
        tree.value_int("sub.rate", on)
    with pytest.raises(ParameterError, match="sub.name is not a number: 'half'"):
        tree.value_float("sub.name", dt.date(2020, 6, 1))
    with pytest.raises(ParameterError, match="sub.name is not a number: True"):
        tree.value_int("sub.name", on)
    with pytest.raises(ParameterError, match="no value"):
        tree.value_decimal("wage.440000", dt.date(2026, 1, 1))


def test_leaf_inherits_reference_and_unit_from_its_node(tree):
    resolved = tree.leaf("wage.110000").resolve(dt.date(2025, 8, 1))
    assert (resolved.value, resolved.effective_from, resolved.reference, resolved.unit) == (
        110,
        dt.date(2025, 7, 1),
        "Test Art. 1",
        "currency-CNY",
    )
    assert tree.leaf("sub.rate").reference == "Law A Art. 2; Notice B"


def test_no_value_before_the_first_date_or_after_an_end(tree):
    with pytest.raises(ParameterError, match="wage.110000 has no value on 2024-06-30"):
        tree.value("wage.110000", dt.date(2024, 6, 30))
    with pytest.raises(ParameterError, match="no value"):
        tree.value("wage.440000", dt.date(2026, 1, 1))


def test_vector_lookup_by_key_and_date(tree):
    keys = np.array(["110000", "440000", "110000", "999999", "440000"])
    dates = np.array(["2024-07-01", "2024-07-01", "2025-07-01", "2025-07-01", "2026-02-01"], dtype="datetime64[D]")
    out = tree.vector("wage", keys, dates, default=-1)
    assert out.tolist() == [100.0, 80.0, 110.0, -1.0, -1.0]


def test_missing_paths_say_what_is_missing(tree):
    with pytest.raises(ParameterError, match="wage has no child '310000'"):
        tree.leaf("wage.310000")
    with pytest.raises(ParameterError, match="is a node"):
        tree.leaf("wage")


def test_project_parameters_load_once_and_carry_references():
    params = load_parameters()
    assert params is load_parameters()
    for leaf in params.leaves():
        assert leaf.reference, f"{leaf.path} has no legal reference"
        assert leaf.description or leaf.path.count(".") >= 2, f"{leaf.path} has no description"


def test_demo_wages_are_labelled_as_demo_data():
    node = load_parameters().node("regions.average_monthly_wage")
    assert "DEMO DATA" in node.description
    assert all("DEMO DATA" in leaf.description for leaf in node.leaves())
