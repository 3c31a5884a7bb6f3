"""An in-memory :class:`~link.engine.LinkStore`: for tests, the benchmark's baseline, and one-off runs.

The application keeps the same data in its state store (SQLite or PostgreSQL); this one forgets it
when the process ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from link.cluster import Join, Judgement, pair_key
from link.engine import Linked
from link.features import Features
from link.mention import PersonMention
from link.score import LINK, PairScore


class MemoryStore:
    """Mentions, blocking keys, pairs, judgements and dossiers in dictionaries."""

    def __init__(self) -> None:
        self.by_id: dict[str, PersonMention] = {}
        self.feats: dict[str, Features] = {}
        self.anchor: dict[str, str] = {}
        self.by_key: dict[str, list[str]] = {}
        self.pairs: dict[tuple[str, str], PairScore] = {}
        self.by_mention: dict[str, set[tuple[str, str]]] = {}
        self.history: list[Judgement] = []
        self.dossier: dict[str, str] = {}
        self.dossier_members: dict[str, set[str]] = {}
        self.joins: dict[tuple[str, str], Join] = {}

    def candidates(
        self, keys: Sequence[str], limit: int
    ) -> tuple[dict[str, list[str] | None], dict[str, Features]]:
        out: dict[str, list[str] | None] = {}
        for key in keys:
            found = self.by_key.get(key, [])
            out[key] = None if len(found) > limit else list(found)
        ids = {i for found in out.values() for i in found or ()}
        return out, self.features(ids)

    def mentions(self, ids: Iterable[str]) -> dict[str, PersonMention]:
        return {i: self.by_id[i] for i in ids if i in self.by_id}

    def features(self, ids: Iterable[str]) -> dict[str, Features]:
        return {i: self.feats[i] for i in ids if i in self.feats}

    def anchors(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> dict[str, str]:
        return {i: self.anchor[i] for i in ids if i in self.anchor}

    def dossiers_of(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self.dossier[i] for i in ids if i in self.dossier}

    def members(self, dossiers: Iterable[str]) -> list[str]:
        return sorted({m for d in dossiers for m in self.dossier_members.get(d, ())})

    def links_among(self, ids: Iterable[str]) -> list[PairScore]:
        inside = set(ids)
        found = {k for i in inside for k in self.by_mention.get(i, ())}
        return [
            self.pairs[k]
            for k in sorted(found)
            if k[0] in inside and k[1] in inside and self.pairs[k].decision == LINK
        ]

    def judgements_among(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> list[Judgement]:
        inside = set(ids) | {m.id for m in new}
        return [j for j in self.history if j.a in inside and j.b in inside]

    def judged(self, new: Sequence[PersonMention]) -> list[str]:
        ids = {m.id for m in new}
        partners = {j.b for j in self.history if j.a in ids} | {j.a for j in self.history if j.b in ids}
        return sorted(p for p in partners - ids if p in self.by_id)

    def judge(self, judgement: Judgement) -> None:
        """Append a judgement to the history."""
        a, b = pair_key(judgement.a, judgement.b)
        self.history.append(Judgement(a, b, judgement.verdict, judgement.by, judgement.at))

    def save(
        self,
        new: Sequence[Linked],
        pairs: Sequence[PairScore],
        assignment: dict[str, str],
        joins: Sequence[Join],
    ) -> None:
        for mention, feats, keys, anchor in new:
            self.by_id[mention.id] = mention
            self.feats[mention.id] = feats
            self.anchor[mention.id] = anchor
            for key in keys:
                self.by_key.setdefault(key, []).append(mention.id)
        for p in pairs:
            self.pairs[(p.a, p.b)] = p
            self.by_mention.setdefault(p.a, set()).add((p.a, p.b))
            self.by_mention.setdefault(p.b, set()).add((p.a, p.b))
        for mention_id, did in assignment.items():
            old = self.dossier.get(mention_id)
            if old is not None and old != did:
                self.dossier_members[old].discard(mention_id)
                if not self.dossier_members[old]:
                    del self.dossier_members[old]
            self.dossier[mention_id] = did
            self.dossier_members.setdefault(did, set()).add(mention_id)
        inside = set(assignment)
        self.joins = {k: j for k, j in self.joins.items() if k[0] not in inside}
        for j in joins:
            self.joins[pair_key(j.a, j.b)] = j

    def review_pairs(self) -> list[PairScore]:
        """Every stored pair (the review queue filters them)."""
        return list(self.pairs.values())
