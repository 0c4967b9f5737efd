"""The sample's equality lens (generator/sample/equality.py): codes from 360Giving's code list, values only for
VCS organisations, and every other column of the sample the same as without them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from generator.config import PROJECT_DIR
from generator.data import dei
from generator.sample import generate as sample
from generator.sample import vocabulary as words

EQUALITY = ["income_band", "led_by", "serving", "dei_declared_on"]


def test_the_vocabulary_uses_the_standards_codes_and_ncvos_bands():
    codes = set(dei.taxonomy())
    used = set(words.COMMUNITY_LED_BY.values()) | set(words.OTHER_LED_BY) | set(words.FOCUS_SERVING.values())
    assert used - codes == set()
    schema = json.loads((PROJECT_DIR / "schemas" / "organisations.json").read_text(encoding="utf-8"))
    enum = next(f for f in schema["fields"] if f["name"] == "income_band")["constraints"]["enum"]
    assert enum == [b for b, _, _ in dei.INCOME_BANDS]
    assert {b for bands in words.INCOME_BANDS_BY_TYPE.values() for b in bands} <= set(enum)


def test_other_columns_do_not_depend_on_the_equality_columns(tmp_path):
    sample.generate(tmp_path, grants=300, seed=5)
    written = pd.read_csv(tmp_path / "organisations.csv", dtype=str, keep_default_na=False)
    assert list(written.columns[-4:]) == EQUALITY
    # The organisations drawn first from the main generator, as before the equality columns existed.
    alone = sample._organisations(np.random.default_rng(5), sample.sizes(300)["organisations"])
    assert list(alone.columns) == list(written.columns[:-4])
    assert (written.drop(columns=EQUALITY).to_numpy() == alone.astype(str).to_numpy()).all()
    vcs = written["is_vcs"] == "yes"
    filled = (written[EQUALITY] != "").any(axis=1)
    assert filled.any() and not (filled & ~vcs).any()  # only VCS organisations
    answered = (written[["led_by", "serving"]] != "").any(axis=1)
    assert (written.loc[answered, "dei_declared_on"] != "").all()  # every answer has its date
