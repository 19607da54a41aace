"""Small fixtures shared by the tests of two layers: an analysis and the report that shows it.

Tests import them by name (``from shared_tables import SCENARIOS``); ``tests/`` is on the path
as the folder of ``conftest.py``. The tiny Delaware task force itself is ``conftest.TINY_TABLES``.

``COLLAB_TABLES``: six members in Delaware, five clients, eight referrals, four criminal
cases, five activities and two survey waves, spread over 2024Q1 and 2024Q3 with nothing in
2024Q2 (tests/analyses/collaboration/test_catalogue.py works its numbers out by hand).

``COVERAGE_*``: the tiny task force with a fourth member (a counselling practice in Sussex,
women only, English only) offering mental health care in Sussex, a food row of the shelter
m2 that expired in 2023, and clients c1 (Kent) and c5 (Sussex, identified 2025-08) needing
mental health care and legal representation (tests/analyses/coverage/test_service_coverage.py).

``DIRECTORY_*``: the tiny task force's members with contacts, a second confidential location
and a member who left in 2022, and capacity rows with every kind of service area
(tests/analyses/test_directory.py works the directory out by hand).

``PLANNING_REGIONS``, ``CT_COUNTIES``, ``CT_2019``: Connecticut's nine planning regions (the
current county-equivalents), the eight counties they replaced and those counties' 2019
estimates (co-est2019-alldata), for the tests of the two vintages of county codes.

:func:`members_table` and :func:`referrals_table`: the two tables the referral network reads,
from tuples (tests/analyses/collaboration/test_network.py and test_network_layout.py).
"""

from __future__ import annotations

import pandas as pd

from conftest import TINY_TABLES

SCENARIOS = """
scenarios:
  - name: Beds for men
    changes:
      - change_capacity: {member_id: m2, service: housing_emergency, set: {genders: all, capacity_per_month: 9}}
  - name: Shelter closes
    changes:
      - remove_member: {member_id: m2}
  - name: Spanish legal aid in Lewes
    changes:
      - add_member:
          member_id: m4
          name: Lewes legal clinic
          sector: legal_services
          zip: "19958"
          capacity:
            - {service: legal_representation, capacity_per_month: 2, service_area: statewide}
  - name: Police leave
    changes:
      - remove_member: {member_id: m1, from: 2024-06-01}
"""

COLLAB_TABLES: dict[str, str | None] = {
    "members.csv": """member_id,name,sector,joined_on,left_on,zip,lat,lon,county_fips,confidential_location
m1,Dover Police Department,law_enforcement,2023-01-01,,,39.16,-75.52,10001,false
m2,Safe Harbor Shelter,victim_services,2023-01-01,,,39.60,-75.70,10003,true
m3,Kent Community Clinic,health,2023-01-01,,,39.15,-75.50,10001,false
m4,Legal Aid of Delaware,legal_services,2024-08-01,,,39.74,-75.55,10003,false
m5,Youth Shelter,victim_services,2023-01-01,,,38.90,-75.40,10005,true
m6,Kent County Prosecutor,prosecution,2023-01-01,,,39.16,-75.52,10001,false
""",
    "capacity.csv": """member_id,service,capacity_per_month,service_area,serves_minors,serves_adults,genders,serves_foreign_nationals,languages,available_24_7,valid_from,valid_to
m2,housing_emergency,6,statewide,false,true,all,true,any,true,2023-01-01,
""",
    "clients.csv": """client_id,identified_on,county_fips,age_group,gender,trafficking_type,nationality,primary_language,referral_source_sector
c1,2024-01-10,10001,18-24,female,sex,us_citizen,en,law_enforcement
c2,2024-02-01,10003,25-34,male,labor,foreign_national,es,community
c3,2024-03-20,10005,minor,female,sex,us_citizen,en,unknown
c4,2024-07-05,10001,18-24,female,sex,us_citizen,en,law_enforcement
c5,2024-08-10,10003,35-49,female,sex,us_citizen,en,victim_services
""",
    "needs.csv": """client_id,need,identified_on,status,met_on,met_by
c1,housing_emergency,2024-01-10,met,2024-01-15,m2
c1,medical_care,2024-01-12,met,2024-03-01,m3
c2,safety_planning,2024-02-01,unmet,,
c2,case_management,2024-02-01,met,2024-02-21,m2
c3,legal_representation,2024-03-20,declined_by_client,,
c4,medical_care,2024-07-05,met,2024-07-08,m3
c4,housing_emergency,2024-07-05,in_progress,,
c5,case_management,2024-08-10,met,2024-09-20,m2
""",
    "referrals.csv": """referral_id,client_id,from_member,to_member,service,referred_on,responded_on,outcome
r1,c1,m1,m2,housing_emergency,2024-01-10,2024-01-11,accepted
r2,c1,m2,m3,medical_care,2024-01-12,2024-01-20,completed
r3,c2,m1,m2,case_management,2024-02-01,2024-02-05,declined_capacity
r4,c2,m2,m1,safety_planning,2024-02-02,,no_response
r5,c3,m2,m5,case_management,2024-03-21,,
r6,c4,m1,m3,medical_care,2024-07-05,2024-07-06,completed
r7,c5,m2,m4,legal_representation,2024-08-11,2024-08-20,declined_eligibility
r8,c5,m2,m4,legal_representation,2024-08-25,2024-08-27,accepted
""",
    "cj_events.csv": """case_id,event,occurred_on,member_id,county_fips,client_id
k1,investigation_opened,2024-01-05,m1,10001,c1
k1,arrest,2024-02-01,m1,10001,c1
k1,charges_filed,2024-03-01,m6,10001,c1
k1,conviction,2024-08-15,m6,10001,c1
k2,investigation_opened,2024-02-10,m1,10003,
k2,arrest,2024-07-10,m1,10005,
k3,investigation_opened,2024-07-20,m1,10001,c4
k3,charges_filed,2024-09-01,m6,10001,c4
k4,investigation_opened,2024-03-10,m1,10001,c3
""",
    "activities.csv": """activity_id,date,kind
a1,2024-01-16,meeting
a2,2024-02-20,meeting
a3,2024-03-05,joint_training
a4,2024-08-13,meeting
a5,2024-09-30,joint_training
""",
    "attendance.csv": """activity_id,member_id
a1,m1
a1,m2
a1,m3
a2,m1
a2,m2
a3,m1
a3,m2
a3,m3
a4,m1
a4,m2
a4,m4
a4,m6
a5,m2
a5,m5
""",
    "survey.csv": """wave,respondent_id,partner_id,level,trust,value
1,m1,m2,1,2,2
1,m2,m1,4,3,3
1,m1,m3,2,3,3
1,m3,m1,2,2,
2,m1,m2,3,3,3
2,m2,m1,4,4,4
2,m2,m3,0,,
""",
}

OPTIONAL = ("referrals.csv", "cj_events.csv", "activities.csv", "attendance.csv", "survey.csv")
Q1, Q2, Q3 = "2024Q1", "2024Q2", "2024Q3"
WAVES = "1:2024-02-15;2:2024-08-15"

COVERAGE_MEMBERS = TINY_TABLES["members.csv"] + "m4,Sussex Counseling,health,2023-01-01,,,38.69,-75.39,10005,false\n"
COVERAGE_CAPACITY = TINY_TABLES["capacity.csv"] + (
    "m4,mental_health_care,5,10005,false,true,female,false,en,false,2023-01-01,\n"
    "m2,food,30,statewide,true,true,all,true,any,false,2023-02-01,2023-06-30\n"
)
COVERAGE_CLIENTS = TINY_TABLES["clients.csv"] + "c5,2025-08-01,10005,25-34,male,labor,us_citizen,en,community\n"
COVERAGE_NEEDS = TINY_TABLES["needs.csv"] + (
    "c1,mental_health_care,2024-01-10,unmet,,\n"
    "c5,legal_representation,2025-08-01,unmet,,\n"
    "c5,mental_health_care,2025-08-01,in_progress,,\n"
)

DIRECTORY_MEMBERS = """member_id,name,sector,joined_on,left_on,zip,lat,lon,county_fips,confidential_location,phone,email
m1,Dover Police Department,law_enforcement,2023-01-15,,19901,,,,false,302-555-0101,
m2,Safe Harbor Shelter,victim_services,2023-02-01,,,39.60,-75.70,10003,true,302-555-0102,help@safeharbor.example
m3,Legal Aid of Delaware,legal_services,2023-03-01,2025-06-30,19801,,,,false,,intake@legalaid.example
m4,Sussex Youth Refuge,victim_services,2023-05-01,,19947,,,,true,302-555-0104,
m5,Old Coalition,community,2022-01-01,2022-12-31,19958,,,,false,,
"""

DIRECTORY_CAPACITY = """member_id,service,capacity_per_month,service_area,serves_minors,serves_adults,genders,serves_foreign_nationals,languages,available_24_7,valid_from,valid_to
m2,housing_emergency,6,10001;10003,false,true,female,true,en;es,true,2023-02-01,
m2,case_management,10,statewide,true,true,all,true,any,false,2023-02-01,
m3,legal_representation,4,radius:40,false,true,all,true,en;ht;qu,false,2023-03-01,2025-06-30
m4,housing_emergency,3,radius:30,true,false,all,false,en,true,2023-05-01,
m4,crisis_intervention,5,10005,true,false,female;male,false,en;es,true,2023-05-01,2024-12-31
m4,crisis_intervention,8,10005,true,true,all,true,any,true,2025-01-01,
"""

# What must never leave the package for the confidential members m2 and m4: ZIP, town, coordinates.
DIRECTORY_CONFIDENTIAL_TEXTS = ["19947", "Georgetown", "38.679", "-75.393", "39.6", "-75.7"]
# What must be there for the others (the check above could not fail without them).
DIRECTORY_PUBLIC_TEXTS = ["19901", "Dover", "19801", "Wilmington", "19958", "Lewes"]

PLANNING_REGIONS = ["09110", "09120", "09130", "09140", "09150", "09160", "09170", "09180", "09190"]
CT_COUNTIES = ["09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015"]
CT_2019 = {"09001": 943_332, "09003": 891_720, "09005": 180_333, "09007": 162_436,
           "09009": 854_757, "09011": 265_206, "09013": 150_721, "09015": 116_782}


def members_table(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": [r[0] for r in rows],
            "sector": [r[1] for r in rows],
            "joined_on": pd.to_datetime([r[2] for r in rows]),
            "left_on": pd.to_datetime([r[3] for r in rows]),
        }
    )


def referrals_table(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"from_member": [r[0] for r in rows], "to_member": [r[1] for r in rows], "referred_on": pd.to_datetime([r[2] for r in rows])})
