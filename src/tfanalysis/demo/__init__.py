"""A deterministic synthetic task force in Ohio, for demos, notebooks and tests.

:func:`generate` writes one CSV file per table of the data contract
(:mod:`tfanalysis.data.contract`): 42 member organizations at real Ohio ZIP codes, their
capacity per service with eligibility rules, about 600 identified victims over three
years (2023-01-01 to 2025-12-31), their needs and referrals, criminal-justice events,
task force meetings, joint trainings and case reviews with attendance, and four waves of
a partner survey. The same seed gives byte-identical files.

Nobody in it is real. The organizations are invented (their names describe a kind of
organization in a real city, not any actual agency); the places are real: ZIP codes, county
FIPS codes and county centroids come from the ``zipcodes`` package, ``addfips`` and the
Census cartographic boundary file that ``plotly-geo`` ships (the tests check every one).

Sources
-------
Proportions taken from published statistics:

- Banks, D. & Kyckelhahn, T. (2011). *Characteristics of Suspected Human Trafficking
  Incidents, 2008-2010*. Bureau of Justice Statistics Special Report NCJ 233732.
  Of 2,515 incidents opened by federally funded task forces, 82% were sex trafficking,
  11% labor trafficking and 7% of unknown type (we use sex 80%, labor 11%, both 2%,
  unknown 7%: the "both" share is invented and taken from sex trafficking). 83% of
  confirmed sex-trafficking victims were U.S. citizens; confirmed labor-trafficking
  victims were undocumented (67%) or qualified aliens (28%), so we make 95% of them
  foreign nationals. 62% of confirmed labor-trafficking victims were 25 or older,
  against 13% of sex-trafficking victims: the age groups below have these shares.
- Office for Victims of Crime Training and Technical Assistance Center, *Human
  Trafficking Task Force e-Guide*, "Forming a Task Force" and "Advantages of a Task
  Force": the list of victim needs (:mod:`tfanalysis.data.taxonomy`), joint training and a
  coordinated response as the task force's purpose (the planted change below).
- Frey, B. B., Lohmeier, J. H., Lee, S. W. & Tollefson, N. (2006). Measuring
  collaboration among grant partners. *American Journal of Evaluation*, 27(3),
  383-392: the Levels of Collaboration Scale (0-5) of the survey.

Everything else is invented for the demo and says nothing about Ohio: the genders of
victims, the need probabilities and their co-occurrence, member capacities and service
areas, the client counties' weights, waiting and response times, the size of the
planted change, and the survey's levels, trust and value.

Planted patterns
----------------
Later analyses are tested on these (see :data:`PLANTED` and ``docs/demo-data.md``):

1. Rural deserts: no member serves ``mental_health_care`` or ``legal_representation``
   in Meigs (39105), Gallia (39053), Monroe (39111), Noble (39121) or Morgan (39115)
   County, whose clients need both; the nearest location offering either is more than
   60 miles from each county's centroid.
2. Eligibility hole: no emergency shelter takes adult men (no ``housing_emergency`` or
   ``housing`` row serves adults and males), yet adult male clients, mostly of labor
   trafficking, need emergency housing: those needs stay unmet and their referrals are
   ``declined_eligibility``.
3. Capacity shortfall: ``legal_representation`` is asked for about 6 times a month
   against 3 places a month (4 from 2025): long waits, unmet needs, referrals
   ``declined_capacity``.
4. Collaboration change on 2024-07-01 (a shared referral protocol and a coordinator):
   median referral response time falls from about 10 days to about 3, referrals
   between sectors (law enforcement to victim services above all) become more common,
   joint trainings go from quarterly to every six weeks, meeting attendance rises, and
   partner-survey levels, trust and value rise from wave 3 on.

Examples
--------
>>> from tfanalysis import demo
>>> demo.PLANTED["change_date"], demo.PLANTED["shortfall_service"]
('2024-07-01', 'legal_representation')
>>> sorted(demo.PLANTED["desert_counties"].values())
['Gallia', 'Meigs', 'Monroe', 'Morgan', 'Noble']

Modules, each building on those before it: :mod:`~.story` (what is planted), :mod:`~.places`,
:mod:`~.members`, :mod:`~.population`, :mod:`~.draws`, :mod:`~.world`, :mod:`~.casework`
(clients, needs, referrals), :mod:`~.activities` (cases, meetings, the survey), :mod:`~.tables`
and :mod:`~.generator`; :mod:`~.scale` makes the national-scale variant. The demo stands apart
from the package's layers: it reads the data contract and the map, and only the command line
calls it (``docs/architecture.md``).
"""

from __future__ import annotations

from tfanalysis.demo.generator import generate
from tfanalysis.demo.story import DEFAULT_SEED, PERIOD_END, PERIOD_START, PLANTED

__all__ = ["DEFAULT_SEED", "PERIOD_START", "PERIOD_END", "PLANTED", "generate"]
