"""How often the leadership summary calls a change in the share of referrals accepted beyond chance where nothing changed.

Two periods of referrals drawn alike: each receiving member's acceptance in a period is its own
(a logit-normal draw about 85 %, spread ``sd``: a shelter full for a quarter, a new intake
worker), so a member's answers of one period come together. Each referral is its own victim's,
so the test counted by victim is Fisher's. A change is beyond chance only where every test of the
pair finds p below 0.05 (``summary._rates_could_be_chance``): Fisher's exact test alone, the
test clustered by member alone (``summary._clustered_share_p``), and both, as the summary now
takes them.

    .venv/bin/python benchmarks/bench_share_chance.py           # 2,000 pairs of periods a setting
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from tfanalysis.reports.summary import _clustered_share_p

SETTINGS = [(30, 13, 0.0), (30, 13, 0.4), (30, 13, 0.8), (10, 40, 0.8), (6, 60, 0.8)]
"""(members, referrals a member a period, spread of the members' acceptance on the logit scale)."""


def referrals(rng: np.random.Generator, members: int, per: int, sd: float, level: float = 1.7) -> pd.DataFrame:
    """One period's referrals: ``_part`` (accepted) and the member answering each."""
    acceptance = rng.normal(level, sd, members)
    member = np.repeat(np.arange(members), rng.poisson(per, members) + 1)
    accepted = rng.random(member.size) < 1 / (1 + np.exp(-acceptance[member]))
    return pd.DataFrame({"_part": accepted, "to_member": member.astype(str)})


def false_alarms(members: int, per: int, sd: float, pairs: int, rng: np.random.Generator) -> dict[str, float]:
    """Share of pairs of like periods each rule calls a change beyond chance."""
    hits = np.zeros((pairs, 2), dtype=bool)
    for i in range(pairs):  # one pair a draw: the tests take two frames
        later, earlier = referrals(rng, members, per, sd), referrals(rng, members, per, sd)
        table = [[later["_part"].sum(), (~later["_part"]).sum()], [earlier["_part"].sum(), (~earlier["_part"]).sum()]]
        hits[i] = fisher_exact(table).pvalue < 0.05, _clustered_share_p(later, earlier, "to_member") < 0.05
    return {"Fisher": hits[:, 0].mean(), "by member": hits[:, 1].mean(), "both (the summary)": hits.all(axis=1).mean()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print("| members | referrals a member | spread (logit) | Fisher | by member | both (the summary) |")
    print("|---|---|---|---|---|---|")
    for members, per, sd in SETTINGS:
        rates = false_alarms(members, per, sd, args.pairs, rng)
        print(f"| {members} | {per} | {sd} | " + " | ".join(f"{100 * v:.1f} %" for v in rates.values()) + " |")


if __name__ == "__main__":
    main()
