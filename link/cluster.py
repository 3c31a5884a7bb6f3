"""Clustering mentions into dossiers, respecting reviewers' judgements transitively.

Judgements form a graph in the manner of nomenklatura's resolver: ``same`` joins two mentions for
good, ``different`` keeps their dossiers apart for good, ``unsure`` is remembered and not asked again.

:func:`cluster` first joins what reviewers said is the same (never across a ``different``), then
adds automatic links best first, each only if the two dossiers it would join hold no pair judged
``different`` and no pair the rules keep apart (national ID, mother, birth year, ... — see
:mod:`link.score`). So a dossier containing a ``different`` pair is never formed, and one
``different`` between two mentions of a dossier splits it.

:func:`pending` is the review queue: a ``review`` pair is asked only when its mentions are in two
dossiers between which no judgement exists yet (A≠B and B=C: A=C is never asked), one pair per two
dossiers, best first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from link.score import LINK, REVIEW, PairScore

SAME = "same"
DIFFERENT = "different"
UNSURE = "unsure"
VERDICTS = (SAME, DIFFERENT, UNSURE)
AUTOMATIC = "automatic"
CONFIRMED = "confirmed"


@dataclass(frozen=True, slots=True)
class Judgement:
    """A reviewer's verdict on a pair (ids in sorted order), with who and when."""

    a: str
    b: str
    verdict: str
    by: str
    at: str

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "verdict": self.verdict, "by": self.by, "at": self.at}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Judgement:
        return cls(str(data["a"]), str(data["b"]), str(data["verdict"]), str(data["by"]), str(data["at"]))


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair's ids in sorted order."""
    return (a, b) if a <= b else (b, a)


def pair_id(a: str, b: str) -> str:
    """Short stable id of a pair (what `athar review decide PAIR` takes)."""
    x, y = pair_key(a, b)
    return "P" + hashlib.sha256(f"{x}\n{y}".encode()).hexdigest()[:12]


def dossier_id(anchors: Iterable[str]) -> str:
    """A dossier's id: derived from its members' smallest anchor (a mention's id when first linked,
    carried over when reprocessing moves it: :mod:`link.engine`), so the same members give the same id."""
    return "D" + hashlib.sha256(min(anchors).encode()).hexdigest()[:12]


def latest(judgements: Iterable[Judgement]) -> dict[tuple[str, str], Judgement]:
    """The verdict in force per pair: the latest one (the history keeps all)."""
    out: dict[tuple[str, str], Judgement] = {}
    for j in sorted(judgements, key=lambda j: j.at):
        out[pair_key(j.a, j.b)] = j
    return out


@dataclass(frozen=True, slots=True)
class Join:
    """Why two mentions are in one dossier: an automatic link or a reviewer's ``same``."""

    a: str
    b: str
    kind: str  # automatic or confirmed
    score: float
    reasons: tuple[str, ...]


@dataclass
class Clustering:
    """Mention id -> dossier id, and the joins that made each dossier."""

    assignment: dict[str, str] = field(default_factory=dict)
    joins: list[Join] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # links a conflict kept apart


class _Sets:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in self.parent}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if len(self.members[rx]) < len(self.members[ry]):
            rx, ry = ry, rx
        self.parent[ry] = rx
        self.members[rx].extend(self.members.pop(ry))


def cluster(
    ids: Iterable[str],
    links: Iterable[PairScore],
    judgements: Iterable[Judgement],
    kept_apart: Callable[[str, str], bool],
    anchor: Callable[[str], str | None] | None = None,
) -> Clustering:
    """Dossiers of ``ids`` from automatic ``links`` and reviewers' ``judgements``.

    ``kept_apart(x, y)`` says whether the rules keep two mentions apart (it is asked only for pairs
    in two dossiers about to be joined by an automatic link). ``anchor(id)`` is a mention's anchor
    for the dossier id (None or absent: the id itself).
    """
    sets = _Sets(ids)
    verdicts = latest(j for j in judgements if j.a in sets.parent and j.b in sets.parent)
    different: dict[str, set[str]] = {}
    for (x, y), j in verdicts.items():
        if j.verdict == DIFFERENT:
            different.setdefault(x, set()).add(y)
            different.setdefault(y, set()).add(x)
    result = Clustering()

    def blocked(rx: str, ry: str, *, rules: bool) -> bool:
        small, big = sorted((sets.members[rx], sets.members[ry]), key=len)
        big_set = set(big)
        for x in small:
            if different.get(x, set()) & big_set:
                return True
        return rules and any(kept_apart(x, y) for x in small for y in big)

    for (x, y), j in sorted(verdicts.items()):
        if j.verdict != SAME:
            continue
        rx, ry = sets.find(x), sets.find(y)
        if rx == ry or blocked(rx, ry, rules=False):
            continue
        sets.union(x, y)
        result.joins.append(Join(x, y, CONFIRMED, 0.0, (f"judged same by {j.by} at {j.at}",)))
    ordered = sorted((p for p in links if p.decision == LINK), key=lambda p: (-p.score, p.a, p.b))
    for p in ordered:
        if p.a not in sets.parent or p.b not in sets.parent:
            continue
        verdict = verdicts.get((p.a, p.b))
        if verdict is not None and verdict.verdict != SAME:
            continue  # a reviewer's different/unsure overrides the rules
        rx, ry = sets.find(p.a), sets.find(p.b)
        if rx == ry:
            continue
        if blocked(rx, ry, rules=True):
            result.refused.append((p.a, p.b))
            continue
        sets.union(p.a, p.b)
        result.joins.append(Join(p.a, p.b, AUTOMATIC, p.score, p.reasons))
    for root, members in sets.members.items():
        did = dossier_id((anchor(m) or m) if anchor else m for m in members)
        for m in members:
            result.assignment[m] = did
        del root
    return result


def pending(
    pairs: Iterable[PairScore],
    dossier_of: Callable[[str], str | None],
    judgements: Iterable[Judgement],
) -> list[PairScore]:
    """The review queue: ``review`` pairs no judgement answers, directly or transitively, best first."""
    verdicts = latest(judgements)
    judged_dossiers: set[tuple[str, str]] = set()
    for (x, y), _j in verdicts.items():
        dx, dy = dossier_of(x), dossier_of(y)
        if dx and dy and dx != dy:
            judged_dossiers.add(pair_key(dx, dy))
    best: dict[tuple[str, str], PairScore] = {}
    for p in pairs:
        if p.decision not in (REVIEW, LINK) or pair_key(p.a, p.b) in verdicts:
            continue
        da, db = dossier_of(p.a), dossier_of(p.b)
        if not da or not db or da == db:
            continue
        key = pair_key(da, db)
        if key in judged_dossiers:
            continue
        if key not in best or (p.score, p.b) > (best[key].score, best[key].b):
            best[key] = p
    return sorted(best.values(), key=lambda p: (-p.score, p.a, p.b))


def check_decision(
    a: str,
    b: str,
    verdict: str,
    dossier_of: Callable[[str], str | None],
    judgements: Iterable[Judgement],
) -> str | None:
    """Why a new verdict contradicts the judgements in force (None when it does not).

    ``same`` between two dossiers a reviewer already said are different is refused (decide
    ``different``/``unsure`` on the earlier pair first); so is ``different`` within a dossier a
    reviewer's ``same`` judgements hold together through other mentions.
    """
    if verdict not in VERDICTS:
        return f"verdict must be one of {', '.join(VERDICTS)}"
    verdicts = {k: j for k, j in latest(judgements).items() if k != pair_key(a, b)}
    if verdict == SAME:
        da, db = dossier_of(a), dossier_of(b)
        for (x, y), j in verdicts.items():
            if j.verdict == DIFFERENT and da != db and {dossier_of(x), dossier_of(y)} == {da, db}:
                return f"a reviewer ({j.by}, {j.at}) judged these two dossiers different"
    elif verdict == DIFFERENT:
        ids = {i for pair in verdicts for i in pair} | {a, b}
        sets = _Sets(ids)
        for (x, y), j in verdicts.items():
            if j.verdict == SAME and sets.find(x) != sets.find(y):
                sets.union(x, y)
        if sets.find(a) == sets.find(b):
            return "reviewers' 'same' judgements hold these two together through other mentions"
    return None
