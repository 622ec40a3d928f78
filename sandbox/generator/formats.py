"""Vectorised formatting of generator values as the APIs spell them: ids, datetimes, dates."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

NEVER = np.int64(2**62)  # "no such time": sorts after every real time, so np.minimum ignores it

_BASE62 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
_SUFFIX = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"))


def ms(iso: str) -> int:
    """Milliseconds since the epoch of an ISO-8601 UTC time (``Z`` or ``+0000``)."""
    text = iso.replace("Z", "+00:00").replace("+0000", "+00:00")
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def iso(t: int) -> str:
    """HubSpot-style ISO time with milliseconds, e.g. 2025-02-03T09:15:00.000Z."""
    return datetime.fromtimestamp(t / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _strings(t: np.ndarray, unit: str, suffix: str) -> list[str | None]:
    t = np.asarray(t, dtype=np.int64)
    out = np.datetime_as_string(np.where(t >= NEVER, 0, t).astype("datetime64[ms]"), unit=unit)
    texts = [s + suffix for s in out.tolist()]
    if (t >= NEVER).any():
        for i in np.flatnonzero(t >= NEVER).tolist():
            texts[i] = None
    return texts


def hs_times(t: np.ndarray) -> list[str | None]:
    return _strings(t, "ms", "Z")


def sf_times(t: np.ndarray) -> list[str | None]:
    return _strings(t, "ms", "+0000")


def sf_dates(t: np.ndarray) -> list[str | None]:
    return _strings(t, "D", "")


def midnight(t: np.ndarray) -> np.ndarray:
    """The UTC midnight starting each time's day (NEVER stays NEVER)."""
    t = np.asarray(t, dtype=np.int64)
    return np.where(t >= NEVER, NEVER, t - t % 86_400_000)


def sf_ids(prefix: str, seq: np.ndarray) -> list[str]:
    """18-character Salesforce ids: key prefix, pod, a base-62 counter and the case checksum."""
    seq = np.asarray(seq, dtype=np.int64)
    if seq.size == 0:
        return []
    digits = (seq[:, None] // (62 ** np.arange(8, -1, -1, dtype=np.int64))) % 62
    body = np.char.add(np.char.add(prefix, "8d0"), _joined(_BASE62[digits]))
    full = _BASE62[digits]
    head = np.tile(np.array(list(prefix + "8d0")), (len(seq), 1))
    all_chars = np.concatenate([head, full], axis=1)           # (n, 15)
    upper = (all_chars >= "A") & (all_chars <= "Z")
    weights = 1 << np.arange(5)
    bits = (upper.reshape(len(seq), 3, 5) * weights).sum(axis=2)
    return np.char.add(body, _joined(_SUFFIX[bits])).tolist()


def _joined(chars: np.ndarray) -> np.ndarray:
    """Join an (n, k) array of one-character strings row-wise into n strings."""
    return np.ascontiguousarray(chars).view(f"<U{chars.shape[1]}").ravel()
