"""Random draws and date arithmetic on numpy arrays, for the sample generator."""

from __future__ import annotations

import pathlib
from typing import Sequence

import numpy as np
import pandas as pd


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_EPOCH = np.datetime64("1970-01-01", "D")


def _day(s: str) -> int:
    """Days since 1970-01-01 for an ISO date string."""
    return int((np.datetime64(s, "D") - _EPOCH).astype(np.int64))


def _dates(days: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    """ISO strings (object array) for integer day numbers; '' where empty."""
    days = np.asarray(days, dtype=np.int64)
    out = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    if empty is not None:
        out[empty] = ""
    return out


def _add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Add calendar months to day numbers, clamping the day of the month."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    m = dt.astype("datetime64[M]")
    dom = (dt - m.astype("datetime64[D]")).astype(np.int64)
    nm = m + np.asarray(months, dtype=np.int64)
    first = nm.astype("datetime64[D]")
    length = ((nm + 1).astype("datetime64[D]") - first).astype(np.int64)
    return (first - _EPOCH).astype(np.int64) + np.minimum(dom, length - 1)


def _first_of_month(days: np.ndarray) -> np.ndarray:
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return (dt.astype("datetime64[D]") - _EPOCH).astype(np.int64)


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def _obj(values: Sequence[str]) -> np.ndarray:
    return np.array(list(values), dtype=object)


def _pick(rng: np.random.Generator, options: Sequence[str], n: int, p=None) -> np.ndarray:
    arr = _obj(options)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return arr[rng.choice(len(arr), size=n, p=p)]


def _norm(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return w / w.sum()


def _alloc(n: int, weights) -> np.ndarray:
    """Split n into integer counts proportional to weights (largest remainder)."""
    w = _norm(weights)
    raw = w * n
    base = np.floor(raw).astype(np.int64)
    rem = n - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rem]] += 1
    return base


def _unique_from_ranges(rng: np.random.Generator, ranges: list[tuple[int, int]], n: int) -> np.ndarray:
    """n distinct integers drawn from the union of half-open ranges."""
    sizes = np.array([hi - lo for lo, hi in ranges], dtype=np.int64)
    total = int(sizes.sum())
    if n > total:
        raise ValueError(f"cannot draw {n} distinct numbers from a pool of {total}")
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    idx = rng.choice(total, size=n, replace=False).astype(np.int64)
    out = np.empty(n, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    which = np.searchsorted(np.cumsum(sizes), idx, side="right")
    for k, (lo, _hi) in enumerate(ranges):
        sel = which == k
        out[sel] = lo + (idx[sel] - starts[k])
    return out


def _zfill(nums: np.ndarray, width: int) -> np.ndarray:
    nums = np.asarray(nums, dtype=np.int64)
    if nums.size == 0:
        return np.zeros(0, dtype=object)
    return np.char.zfill(nums.astype(str), width).astype(object)


def _money(pence: np.ndarray) -> np.ndarray:
    """Format integer pence as plain pounds: 1500, 1500.5, 1500.25."""
    pence = np.asarray(pence, dtype=np.int64)
    pounds = (pence // 100).astype(str).astype(object)
    rem = pence % 100
    frac = np.full(len(pence), "", dtype=object)
    tens = (rem != 0) & (rem % 10 == 0)
    units = rem % 10 != 0
    frac[tens] = "." + (rem[tens] // 10).astype(str).astype(object)
    frac[units] = "." + _zfill(rem[units], 2)
    return pounds + frac


def _num(value: float, dec: int) -> str:
    """Plain decimal text with at most `dec` places and no trailing zeros."""
    if dec == 0:
        return str(int(round(value)))
    s = f"{value:.{dec}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _yesno(flags: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(flags, dtype=bool), "yes", "no").astype(object)


def _write(df: pd.DataFrame, path: pathlib.Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
