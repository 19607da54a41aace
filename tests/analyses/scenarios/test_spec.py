"""The scenario file's shape: every rule has its message naming scenario, change and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfanalysis.analyses.scenarios.spec import Change, Scenario, ScenarioError, format_problems, read_scenarios

GOOD = """
scenarios:
  - name: Clinic
    description: A clinic opens.
    from: 2025-10-01
    changes:
      - add_member:
          member_id: S01
          name: Clinic
          sector: health
          zip: 02134
          capacity:
            - {service: mental_health_care, capacity_per_month: 6, service_area: 25025}
      - remove_member: {member_id: m3}
      - change_capacity: {member_id: m2, service: housing_emergency, set: {genders: all}}
      - add_capacity:
          member_id: m2
          capacity:
            - {service: food, capacity_per_month: 3, service_area: statewide}
"""


def test_a_good_file_is_read_with_every_value_as_text() -> None:
    [scenario] = read_scenarios(text=GOOD)
    assert scenario.name == "Clinic" and scenario.description == "A clinic opens." and scenario.start == "2025-10-01"
    assert [c.action for c in scenario.changes] == ["add_member", "remove_member", "change_capacity", "add_capacity"]
    assert [c.number for c in scenario.changes] == [1, 2, 3, 4]
    added = scenario.changes[0].fields
    # YAML 1.1 would read 02134 as the octal number 1116 and 6 as an int: the base loader keeps the text
    assert added["zip"] == "02134" and added["capacity"][0]["capacity_per_month"] == "6"


def test_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert read_scenarios(path)[0].name == "Clinic"


def test_the_key_follows_the_content_not_the_name() -> None:
    change = Change(1, "remove_member", {"member_id": "m3"})
    a, b = Scenario("A", (change,)), Scenario("B", (change,))
    other = Scenario("A", (Change(1, "remove_member", {"member_id": "m2"}),))
    assert a.key() == b.key() != other.key()
    assert Scenario("A", (change,), start="2025-10-01").key() != a.key()


BAD = [
    # (file text, scenario, change, field, words of the rule)
    ("scenarios: [\n  - name: A\n", "", "", "", "not valid YAML at line"),
    ("- name: A\n", "", "", "", "must be a mapping with one key, scenarios"),
    ("scenarios: []\nextra: 1\n", "", "", "extra", "unknown key"),
    ("scenarios: []\n", "", "", "scenarios", "must be a list of at least one scenario"),
    ("scenarios:\n  - changes: [{remove_member: {member_id: m3}}]\n", "#1", "", "name", "required"),
    ("scenarios:\n  - {name: A, changes: [{remove_member: {member_id: m3}}]}\n  - {name: A, changes: [{remove_member: {member_id: m2}}]}\n",
     "A", "", "name", "is used by another scenario"),
    ("scenarios:\n  - {name: A, when: 2025, changes: [{remove_member: {member_id: m3}}]}\n", "A", "", "when", "unknown field"),
    ("scenarios:\n  - {name: A, from: [2025], changes: [{remove_member: {member_id: m3}}]}\n", "A", "", "from", "must be a single value"),
    ("scenarios:\n  - {name: A}\n", "A", "", "changes", "must be a list of at least one change"),
    ("scenarios:\n  - {name: A, changes: [{close_member: {member_id: m3}}]}\n", "A", "1 (close_member)", "", "unknown action"),
    ("scenarios:\n  - {name: A, changes: [{remove_member: {member_id: m3}, add_member: {member_id: x}}]}\n", "A", "1", "",
     "a change must be one action"),
    ("scenarios:\n  - {name: A, changes: [{remove_member: m3}]}\n", "A", "1 (remove_member)", "", "must hold a mapping of its fields"),
    ("scenarios:\n  - {name: A, changes: [{remove_member: {from: 2025-10-01}}]}\n", "A", "1 (remove_member)", "member_id", "required"),
    ("scenarios:\n  - {name: A, changes: [{remove_member: {member_id: m3, reason: budget}}]}\n", "A", "1 (remove_member)", "reason",
     "unknown field: remove_member has member_id, from"),
    ("scenarios:\n  - {name: A, changes: [{remove_member: {member_id: [m3, m2]}}]}\n", "A", "1 (remove_member)", "member_id",
     "must be a single value"),
    ("scenarios:\n  - {name: A, changes: [{change_capacity: {member_id: m2, service: food, set: 5}}]}\n", "A", "1 (change_capacity)", "set",
     "must map capacity fields"),
    ("scenarios:\n  - {name: A, changes: [{change_capacity: {member_id: m2, service: food, set: {service: dental_care}}}]}\n",
     "A", "1 (change_capacity)", "set.service", "cannot be changed"),
    ("scenarios:\n  - {name: A, changes: [{change_capacity: {member_id: m2, service: food, set: {genders: [male]}}}]}\n",
     "A", "1 (change_capacity)", "set.genders", "must be a single value"),
    ("scenarios:\n  - {name: A, changes: [{change_capacity: {member_id: m2, service: food, from: 2025-01-01, set: {valid_to: 2025-06-30}}}]}\n",
     "A", "1 (change_capacity)", "from", "either from"),
    ("scenarios:\n  - {name: A, changes: [{add_capacity: {member_id: m2, capacity: {service: food}}}]}\n", "A", "1 (add_capacity)", "capacity",
     "must be a list of at least one capacity row"),
    ("scenarios:\n  - {name: A, changes: [{add_capacity: {member_id: m2, capacity: [food]}}]}\n", "A", "1 (add_capacity)", "capacity 1",
     "must be a mapping of capacity fields"),
    ("scenarios:\n  - {name: A, changes: [{add_capacity: {member_id: m2, capacity: [{service: food, capacity_per_month: 3}]}}]}\n",
     "A", "1 (add_capacity)", "capacity 1 service_area", "required"),
    ("scenarios:\n  - {name: A, changes: [{add_capacity: {member_id: m2, capacity: [{service: food, capacity_per_month: 3, service_area: statewide, beds: 4}]}}]}\n",
     "A", "1 (add_capacity)", "capacity 1 beds", "unknown field: a capacity row has"),
    ("scenarios:\n  - {name: A, changes: [{add_member: {member_id: S1, sector: health}}]}\n", "A", "1 (add_member)", "name", "required"),
]


@pytest.mark.parametrize("text, scenario, change, field, words", BAD, ids=[f"{b[3] or b[2] or b[1] or 'file'}:{b[4][:24]}" for b in BAD])
def test_each_rule_of_shape_names_scenario_change_and_field(text: str, scenario: str, change: str, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_scenarios(text=text)
    problems = caught.value.problems
    hit = problems[(problems["scenario"] == scenario) & (problems["field"] == field) & problems["change"].str.startswith(change)
                   & problems["rule"].str.contains(words, regex=False)]
    assert len(hit) == 1, str(caught.value)
    message = str(caught.value)
    assert message.startswith("The scenario file has ") and "Traceback" not in message
    if scenario:
        assert f'scenario "{scenario}"' in message
    if field:
        assert f"field {field}:" in message


def test_every_problem_is_listed_at_once() -> None:
    text = "scenarios:\n  - {changes: [{close: {}}]}\n  - {name: B, changes: [{remove_member: {reason: x}}]}\n"
    with pytest.raises(ScenarioError) as caught:
        read_scenarios(text=text)
    assert caught.value.problems[["scenario", "field"]].values.tolist() == [
        ["#1", "name"], ["#1", ""], ["B", "member_id"], ["B", "reason"]]
    assert str(caught.value).startswith("The scenario file has 4 problems.")


def test_an_unreadable_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the scenario file: FileNotFoundError"):
        read_scenarios(tmp_path / "nowhere.yaml")
    (tmp_path / "latin.yaml").write_bytes("scenarios: [{name: Caf\xe9}]".encode("latin-1"))
    with pytest.raises(ScenarioError, match="cannot read the scenario file: UnicodeDecodeError"):
        read_scenarios(tmp_path / "latin.yaml")


def test_format_problems_names_the_source() -> None:
    import pandas as pd

    p = pd.DataFrame([{"scenario": "", "change": "", "field": "", "rule": "not valid YAML"}])
    assert format_problems(p, "s.yaml") == "The scenario file has 1 problem (s.yaml).\n- not valid YAML"
