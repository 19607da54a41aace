"""Applying a scenario to the tiny Delaware task force, and checking its values with the contract's rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses.scenarios import ScenarioError, apply, check, describe, load_scenarios, read_scenarios


@pytest.fixture(scope="module")
def tiny(tiny_data) -> tf.TaskForceData:
    return tiny_data


def one(text: str) -> object:
    [scenario] = read_scenarios(text="scenarios:\n  - name: S\n    changes:\n" + text)
    return scenario


def test_remove_member_from_a_date_ends_its_rows_the_day_before(tiny) -> None:
    changed = apply(tiny, one("      - remove_member: {member_id: m2, from: 2024-03-01}\n"))
    m2 = changed.capacity[changed.capacity["member_id"] == "m2"]
    assert m2["valid_to"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-29", "2024-02-29"]
    assert changed.members.set_index("member_id").loc["m2", "left_on"] == pd.Timestamp("2024-02-29")
    # the labels of the rows kept are the loaded ones; the input is untouched
    assert m2.index.tolist() == [0, 1]
    assert tiny.capacity["valid_to"].isna().sum() == 2 and tiny.members["left_on"].isna().sum() == 2
    assert changed.clients is tiny.clients and changed.needs is tiny.needs


def test_remove_member_drops_rows_that_start_later_and_keeps_an_earlier_leaving(tiny) -> None:
    # m3 left on 2025-06-30: leaving from 2026 changes nothing; from 2023-03-01 (its first day) drops its row
    later = apply(tiny, one("      - remove_member: {member_id: m3, from: 2026-01-01}\n"))
    pd.testing.assert_frame_equal(later.capacity, tiny.capacity)
    assert later.members.set_index("member_id").loc["m3", "left_on"] == pd.Timestamp("2025-06-30")
    first_day = apply(tiny, one("      - remove_member: {member_id: m3, from: 2023-03-01}\n"))
    assert "m3" not in set(first_day.capacity["member_id"])
    # it had not joined the day before: its membership row stays as it was
    assert first_day.members.set_index("member_id").loc["m3", "left_on"] == pd.Timestamp("2025-06-30")


def test_remove_member_without_a_date_takes_out_every_row_but_keeps_the_member(tiny) -> None:
    changed = apply(tiny, one("      - remove_member: {member_id: m2}\n"))
    assert changed.capacity["member_id"].tolist() == ["m3"]
    assert changed.members["member_id"].tolist() == ["m1", "m2", "m3"]


def test_change_capacity_sets_fields_on_the_matching_rows(tiny) -> None:
    changed = apply(tiny, one("      - change_capacity: {member_id: m2, service: housing_emergency, set: {genders: all, capacity_per_month: 9, available_24_7: no}}\n"))
    row = changed.capacity.loc[0]
    assert (row["genders"], row["capacity_per_month"], row["available_24_7"]) == ("all", 9.0, False)
    assert changed.capacity.loc[1].equals(tiny.capacity.loc[1])  # case management untouched


def test_change_capacity_from_a_date_splits_the_row(tiny) -> None:
    changed = apply(tiny, one("      - change_capacity: {member_id: m2, service: housing_emergency, from: 2024-07-01, set: {capacity_per_month: 9}}\n"))
    rows = changed.capacity[changed.capacity["service"] == "housing_emergency"]
    assert rows.index.tolist() == [0, 3]  # the new piece after the largest label
    assert rows["capacity_per_month"].tolist() == [6.0, 9.0]
    assert rows["valid_from"].dt.strftime("%Y-%m-%d").tolist() == ["2023-02-01", "2024-07-01"]
    assert rows["valid_to"].dt.strftime("%Y-%m-%d").fillna("open").tolist() == ["2024-06-30", "open"]


def test_change_capacity_validity_picks_one_row_with_valid_from(tiny) -> None:
    changed = apply(tiny, one("      - change_capacity: {member_id: m3, service: legal_representation, valid_from: 2023-03-01, set: {valid_to: 2025-12-31}}\n"))
    assert changed.capacity.loc[2, "valid_to"] == pd.Timestamp("2025-12-31")


def test_add_capacity_fills_the_open_defaults_and_starts_with_the_member(tiny) -> None:
    changed = apply(tiny, one("      - add_capacity: {member_id: m1, capacity: [{service: crisis_intervention, capacity_per_month: 2, service_area: 10001}]}\n"))
    row = changed.capacity.loc[3]
    assert row[["member_id", "service", "capacity_per_month", "service_area"]].tolist() == ["m1", "crisis_intervention", 2.0, "10001"]
    assert row[["serves_minors", "serves_adults", "genders", "serves_foreign_nationals", "languages", "available_24_7"]].tolist() == [
        True, True, "all", True, "any", False]
    assert row["valid_from"] == pd.Timestamp("2023-01-15")  # m1 joined then
    assert changed.capacity.dtypes.equals(tiny.capacity.dtypes)


def test_add_member_is_geocoded_from_its_zip_offline(tiny) -> None:
    scenario = one("""      - add_member:
          member_id: m4
          name: Lewes legal clinic
          sector: legal_services
          zip: "19958"
          capacity:
            - {service: legal_representation, capacity_per_month: 2, service_area: statewide}
""")
    changed = apply(tiny, scenario)
    m4 = changed.members.set_index("member_id").loc["m4"]
    import zipcodes

    [lewes] = zipcodes.matching("19958")
    assert m4["county_fips"] == "10005"  # Sussex
    assert (float(m4["lat"]), float(m4["lon"])) == (float(lewes["lat"]), float(lewes["long"]))
    assert m4["joined_on"] == pd.Timestamp("2023-01-15")  # the data's first day: as if it had always been there
    assert bool(m4["confidential_location"]) is False
    assert changed.capacity.loc[3, "valid_from"] == pd.Timestamp("2023-01-15")
    assert changed.members.dtypes.equals(tiny.members.dtypes)


def test_the_scenarios_from_dates_the_changes_that_give_none(tiny) -> None:
    [scenario] = read_scenarios(text="""scenarios:
  - name: S
    from: 2025-01-01
    changes:
      - add_capacity: {member_id: m1, capacity: [{service: food, capacity_per_month: 2, service_area: 10001}]}
      - remove_member: {member_id: m2}
""")
    changed = apply(tiny, scenario)
    assert changed.capacity.loc[3, "valid_from"] == pd.Timestamp("2025-01-01")
    assert changed.members.set_index("member_id").loc["m2", "left_on"] == pd.Timestamp("2024-12-31")


def test_describe_says_what_each_change_does_without_a_confidential_zip(tiny) -> None:
    scenario = one("""      - add_member: {member_id: m4, name: Sussex shelter, sector: victim_services, zip: "19958", confidential_location: "true",
                     capacity: [{service: housing_emergency, capacity_per_month: 4, service_area: 10005, serves_minors: "false", genders: male}]}
      - change_capacity: {member_id: m2, service: housing_emergency, set: {capacity_per_month: 9}}
""")
    words = describe(tiny, scenario)
    assert words["what"].tolist() == [
        "joins on 2023-01-15 (victim_services), Sussex (confidential location)",
        "new row: 4 a month, area 10005, adults, genders male, languages any, from 2023-01-15",
        "capacity_per_month 6 → 9 (1 row(s))",
    ]
    assert not words["what"].str.contains("19958").any()


# --------------------------------------------------------------------------- rules checked against the data

RULES = [
    # (changes, change, field, words of the rule)
    ("      - remove_member: {member_id: m9}\n", "1 (remove_member)", "member_id", "names no member of the data"),
    ("      - remove_member: {member_id: m2, from: 01/03/2024}\n", "1 (remove_member)", "from", "must be a date written YYYY-MM-DD; looks like MM/DD/YYYY or DD/MM/YYYY"),
    ("      - add_member: {member_id: m2, name: X, sector: health, zip: '19901'}\n", "1 (add_member)", "member_id", "is already a member"),
    ("      - add_member: {member_id: m4, name: X, sector: police, zip: '19901'}\n", "1 (add_member)", "sector", "must be one of law_enforcement"),
    ("      - add_member: {member_id: m4, name: X, sector: health, zip: '00000'}\n", "1 (add_member)", "zip", "ZIP code not found"),
    ("      - add_member: {member_id: m4, name: X, sector: health}\n", "1 (add_member)", "zip", "needs a ZIP code, or both lat and lon"),
    ("      - add_member: {member_id: m4, name: X, sector: health, lat: 39.1, lon: -75.5, county_fips: '10009'}\n", "1 (add_member)",
     "county_fips", "matches no county"),
    ("      - add_member: {member_id: m4, name: X, sector: health, zip: '19901', joined_on: soon}\n", "1 (add_member)", "joined_on",
     "must be a date written YYYY-MM-DD"),
    ("      - change_capacity: {member_id: m2, service: food, set: {genders: all}}\n", "1 (change_capacity)", "service", "matches no capacity row"),
    ("      - change_capacity: {member_id: m3, service: legal_representation, from: 2025-07-01, set: {genders: all}}\n", "1 (change_capacity)",
     "from", "no capacity row of this member and service is valid on or after from"),
    ("      - change_capacity: {member_id: m2, service: housing_emergency, set: {capacity_per_month: lots}}\n", "1 (change_capacity)",
     "set.capacity_per_month", "must be a number"),
    ("      - change_capacity: {member_id: m2, service: housing_emergency, set: {capacity_per_month: '-2'}}\n", "1 (change_capacity)",
     "set.capacity_per_month", "must be at least 0"),
    ("      - change_capacity: {member_id: m2, service: housing_emergency, set: {valid_to: 2020-01-01}}\n", "1 (change_capacity)",
     "set.valid_to", "valid_to must be on or after valid_from"),
    ("      - change_capacity: {member_id: m2, service: housing_emergency, set: {genders: men}}\n", "1 (change_capacity)", "set.genders",
     "must be genders from female, male, nonbinary"),
    ("      - change_capacity: {member_id: m2, service: housing_emergency, set: {languages: spanish}}\n", "1 (change_capacity)",
     "set.languages", "must be ISO 639-1 codes"),
    ("      - change_capacity: {member_id: m2, service: housing_emergency, set: {serves_minors: sometimes}}\n", "1 (change_capacity)",
     "set.serves_minors", "must be true or false"),
    ("      - add_capacity: {member_id: m1, capacity: [{service: therapy, capacity_per_month: 2, service_area: 10001}]}\n", "1 (add_capacity)",
     "capacity 1 service", "must be a victim-need code of the taxonomy"),
    ("      - add_capacity: {member_id: m1, capacity: [{service: food, capacity_per_month: 2, service_area: near dover}]}\n",
     "1 (add_capacity)", "capacity 1 service_area", "must be county FIPS codes separated by ';', statewide, or radius:N"),
    ("      - add_capacity: {member_id: m1, capacity: [{service: food, capacity_per_month: 2, service_area: 10001;10099}]}\n",
     "1 (add_capacity)", "capacity 1 service_area", "lists a county FIPS code that matches no county"),
    ("      - add_capacity: {member_id: m2, capacity: [{service: case_management, capacity_per_month: 2, service_area: statewide, valid_from: 2023-02-01}]}\n",
     "1 (add_capacity)", "capacity 1", "the key member_id + service + valid_from must be unique"),
    ("      - add_capacity: {member_id: m9, capacity: [{service: food, capacity_per_month: 2, service_area: 10001}]}\n", "1 (add_capacity)",
     "member_id", "names no member of the data"),
]


@pytest.mark.parametrize("changes, change, field, words", RULES, ids=[f"{r[2]}:{r[3][:28]}" for r in RULES])
def test_each_contract_rule_names_scenario_change_and_field(tiny, changes: str, change: str, field: str, words: str) -> None:
    scenario = one(changes)
    with pytest.raises(ScenarioError) as caught:
        apply(tiny, scenario)
    problems = caught.value.problems
    hit = problems[(problems["scenario"] == "S") & (problems["change"] == change) & (problems["field"] == field)
                   & problems["rule"].str.contains(words, regex=False)]
    assert len(hit) == 1, str(caught.value)
    assert f'- scenario "S", change {change}, field {field}: ' in str(caught.value)


def test_a_member_added_earlier_in_the_scenario_can_be_given_capacity(tiny) -> None:
    scenario = one("""      - add_member: {member_id: m4, name: X, sector: health, zip: '19901'}
      - add_capacity: {member_id: m4, capacity: [{service: food, capacity_per_month: 2, service_area: 10001}]}
""")
    assert apply(tiny, scenario).capacity.loc[3, "member_id"] == "m4"


def test_check_lists_the_problems_of_every_scenario_at_once(tiny) -> None:
    scenarios = read_scenarios(text="""scenarios:
  - name: A
    changes: [{remove_member: {member_id: m9}}]
  - name: B
    from: next year
    changes: [{change_capacity: {member_id: m2, service: housing_emergency, set: {capacity_per_month: lots, genders: men}}}]
""")
    with pytest.raises(ScenarioError) as caught:
        check(tiny, scenarios, "s.yaml")
    assert caught.value.problems[["scenario", "field"]].values.tolist() == [
        ["A", "member_id"], ["B", "from"], ["B", "set.capacity_per_month"], ["B", "set.genders"]]
    assert str(caught.value).startswith("The scenario file has 4 problems (s.yaml).")


def test_load_scenarios_reads_and_checks(tiny, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - name: A\n    changes: [{remove_member: {member_id: m3}}]\n", encoding="utf-8")
    assert [s.name for s in load_scenarios(path, tiny)] == ["A"]


def test_the_demo_scenarios_fit_the_demo(demo_dir) -> None:
    from tfanalysis.analyses.scenarios import DEMO_SCENARIOS

    found = load_scenarios(DEMO_SCENARIOS, tf.load_dataset(demo_dir))
    assert [s.name for s in found] == ["Mental-health clinic in Meigs County", "Emergency shelter beds for adult men"]


def test_validate_checks_a_scenario_file_and_exits_2_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import write_tiny_dataset

    from tfanalysis.running.cli import main

    folder = write_tiny_dataset(tmp_path / "tiny")
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("scenarios:\n  - name: A\n    changes: [{remove_member: {member_id: m3}}]\n", encoding="utf-8")
    bad.write_text("scenarios:\n  - name: A\n    changes: [{remove_member: {member_id: m9}}]\n", encoding="utf-8")
    assert main(["validate", str(folder), "--scenarios", str(good)]) == 0
    assert "1 scenario(s), each fits the data" in capsys.readouterr().out
    assert main(["validate", str(folder), "--scenarios", str(bad)]) == 2
    out = capsys.readouterr()
    assert '- scenario "A", change 1 (remove_member), field member_id: names no member of the data' in out.out
    assert "Traceback" not in out.out + out.err


def test_run_with_a_bad_scenario_file_exits_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import write_tiny_dataset

    from tfanalysis.running.cli import main

    folder = write_tiny_dataset(tmp_path / "tiny")
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - name: A\n    changes: [{add_member: {member_id: m4, name: X, sector: police, zip: '19901'}}]\n", encoding="utf-8")
    params = tmp_path / "run.yaml"
    params.write_text(f"scenarios: {bad}\n", encoding="utf-8")
    for how in (["--scenarios", str(bad)], ["--params", str(params)]):
        assert main(["run", "--data", str(folder), "--out", str(tmp_path / "reports"), *how, "--quiet"]) == 2
        err = capsys.readouterr().err
        assert 'scenario "A", change 1 (add_member), field sector: must be one of' in err
        assert "Traceback" not in err
        assert not (tmp_path / "reports").exists()
