"""The sample's equality lens (issue 19): illustrative DEI answers (led_by, serving, dei_declared_on) and
sizes (income_band) for a share of the VCS organisations.

Drawn from a generator of their own, ``numpy.random.default_rng([seed, 19])``, after every other table is
made, so that every other column of the sample is the same with or without them. An organisation's name
suggests its answer (a Somali women's group is led by African women and serves women and girls); every value
is made up, like the organisations themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draw import _dates, _day
from .vocabulary import (COMMUNITY_LED_BY, FOCUS_SERVING, INCOME_BANDS_BY_TYPE, OTHER_LED_BY, P_DEI_AFTER_AWARD,
                         P_DEI_ANSWERED, P_INCOME_BAND, REFERENCE_DATE)

STREAM = 19  # the issue that added these columns: the second part of this generator's seed


def _one_per_group(codes: list[str]) -> str:
    """The codes joined by ";", the first of each population group (DEI01 ...) only."""
    kept: dict[str, str] = {}
    for code in codes:
        kept.setdefault(code[:5], code)
    return ";".join(kept.values())


def equality_columns(seed: int, orgs: pd.DataFrame, grants: pd.DataFrame) -> pd.DataFrame:
    """income_band, led_by, serving and dei_declared_on for every organisation (orgs' order), as text."""
    rng = np.random.default_rng([seed, STREAM])
    n = len(orgs)
    names = orgs["name"].to_numpy()
    kinds = orgs["organisation_type"].to_numpy()
    vcs = (orgs["is_vcs"].to_numpy() == "yes") & (kinds != "individual")
    # Every draw is made for every organisation, so that each is the same whatever the others drew.
    u_answer, u_after, u_led, u_band, u_days = (rng.random(n) for _ in range(5))
    other_led = rng.choice(list(OTHER_LED_BY), size=n, p=np.array(list(OTHER_LED_BY.values())) / sum(OTHER_LED_BY.values()))
    u_band_pick = rng.random(n)

    first_award = grants.groupby("recipient_org_id")["award_date"].min()
    reference = _day(REFERENCE_DATE)
    income, led, serving, declared = (np.full(n, "", dtype=object) for _ in range(4))
    for i in np.flatnonzero(vcs):
        name = str(names[i])
        bands = INCOME_BANDS_BY_TYPE.get(kinds[i])
        if bands and u_band[i] < P_INCOME_BAND:
            weights = np.cumsum(list(bands.values())) / sum(bands.values())
            income[i] = list(bands)[int(np.searchsorted(weights, u_band_pick[i], side="right"))]
        if u_answer[i] >= P_DEI_ANSWERED:
            continue
        community = [code for word, code in COMMUNITY_LED_BY.items() if word in name]
        if community:
            led[i] = community[0]
        elif u_led[i] < 0.4:
            led[i] = str(other_led[i])
        focus = [code for word, code in FOCUS_SERVING.items() if word in name]
        serving[i] = _one_per_group(community + focus)
        org_id = orgs["org_id"].iat[i]
        if org_id in first_award.index:
            first = _day(first_award[org_id])
            day = first + 1 + int(u_days[i] * 540) if u_after[i] < P_DEI_AFTER_AWARD else first - 7 - int(u_days[i] * 80)
        else:
            day = reference - 30 - int(u_days[i] * 700)
        declared[i] = _dates(np.array([min(day, reference)]))[0]
    return pd.DataFrame({"income_band": income, "led_by": led, "serving": serving, "dei_declared_on": declared},
                        index=orgs.index)
