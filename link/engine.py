"""Incremental linking: new mentions against the existing dossiers, without a full recomputation.

For a batch of new mentions (one document, or a chunk of the index): their blocking keys find
candidates in the store (:class:`LinkStore`), each pair is scored (:func:`link.score.compare`), and
only the dossiers the new mentions link to are clustered again, together with the new mentions,
from their stored links and judgements. Work and memory grow with the batch and its candidates, not
with the number of persons already linked.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from link.blocking import MAX_BLOCK, block_keys
from link.cluster import Join, Judgement, cluster
from link.mention import PersonMention
from link.score import APART, LINK, PairScore, compare


class LinkStore(Protocol):
    """What the linker needs from a store of mentions, links, judgements and dossiers."""

    def blocks(self, keys: Sequence[str], limit: int) -> dict[str, list[str] | None]:
        """Mention ids under each blocking key (in one read); None for a key more than ``limit`` share."""

    def mentions(self, ids: Iterable[str]) -> dict[str, PersonMention]:
        """The stored mentions with these ids."""

    def dossiers_of(self, ids: Iterable[str]) -> dict[str, str]:
        """Mention id -> dossier id, for the stored ones."""

    def members(self, dossiers: Iterable[str]) -> list[str]:
        """Every mention id of these dossiers."""

    def links_among(self, ids: Iterable[str]) -> list[PairScore]:
        """Stored link/review pairs with both mentions among ``ids``."""

    def judgements_among(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> list[Judgement]:
        """Judgements on pairs with both mentions among ``ids`` (history order); ``new`` are mentions
        among them not stored yet (a reprocessed document's: judgements may name them already)."""

    def judged(self, new: Sequence[PersonMention]) -> list[str]:
        """Stored mentions a judgement pairs with one of these (not stored yet) mentions."""

    def save(
        self,
        new: Sequence[tuple[PersonMention, tuple[str, ...]]],
        pairs: Sequence[PairScore],
        assignment: dict[str, str],
        joins: Sequence[Join],
    ) -> None:
        """Store new mentions with their keys, new pairs, and the dossiers of a re-clustered component."""


@dataclass(frozen=True)
class LinkReport:
    """Counts of one linking run (never names)."""

    mentions: int = 0
    compared: int = 0
    links: int = 0
    reviews: int = 0
    dossiers: int = 0  # dossiers of the re-clustered component
    common_keys: int = 0  # blocking keys skipped as too common
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __add__(self, other: LinkReport) -> LinkReport:
        return LinkReport(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))


def _candidates(
    store: LinkStore, new: Sequence[PersonMention], keys: dict[str, tuple[str, ...]]
) -> tuple[dict[str, set[str]], int]:
    """New mention id -> ids sharing a key with it (stored or in the batch); and keys skipped."""
    blocks: dict[str, list[str]] = {}
    common = 0
    for key, found in store.blocks(
        list(dict.fromkeys(k for m in new for k in keys[m.id])), MAX_BLOCK
    ).items():
        if found is None:
            common += 1
            continue
        blocks[key] = list(found)
    seen_new: dict[str, list[str]] = {}
    out: dict[str, set[str]] = {}
    for m in new:
        found_ids: set[str] = set()
        for key in keys[m.id]:
            if key in blocks:
                found_ids.update(blocks[key])
                found_ids.update(seen_new.setdefault(key, []))
                seen_new[key].append(m.id)
        found_ids.discard(m.id)
        out[m.id] = found_ids
    return out, common


def link_batch(store: LinkStore, batch: Sequence[PersonMention]) -> LinkReport:
    """Link new mentions against the store; mentions already stored are left as they are."""
    began = time.monotonic()
    known = store.dossiers_of(m.id for m in batch)
    new = [m for m in dict((m.id, m) for m in batch).values() if m.id not in known]
    if not new:
        return LinkReport(seconds=time.monotonic() - began)
    keys = {m.id: block_keys(m) for m in new}
    candidates, common = _candidates(store, new, keys)
    pool: dict[str, PersonMention] = {m.id: m for m in new}
    pool.update(store.mentions({c for cs in candidates.values() for c in cs} - pool.keys()))
    pairs: list[PairScore] = []
    compared = 0
    for m in new:
        for other in sorted(candidates[m.id]):
            if other in pool:  # within the batch, a later mention meets only earlier ones: once a pair
                compared += 1
                score = compare(m, pool[other])
                if score.decision != APART:
                    pairs.append(score)
    linked_old = {p.a if p.a not in keys else p.b for p in pairs if p.decision == LINK}
    linked_old -= keys.keys()
    touched = set(store.dossiers_of(linked_old | set(store.judged(new))).values())
    component = [m.id for m in new] + [i for i in store.members(touched) if i not in keys]
    pool.update(store.mentions(set(component) - pool.keys()))
    inside = set(component)
    links = store.links_among(component) + [p for p in pairs if p.a in inside and p.b in inside]
    cache: dict[tuple[str, str], bool] = {}

    def kept_apart(x: str, y: str) -> bool:
        key = (x, y) if x < y else (y, x)
        if key not in cache:
            cache[key] = compare(pool[x], pool[y]).decision == APART
        return cache[key]

    result = cluster(component, links, store.judgements_among(component, new), kept_apart)
    store.save([(m, keys[m.id]) for m in new], pairs, result.assignment, result.joins)
    return LinkReport(
        mentions=len(new),
        compared=compared,
        links=sum(p.decision == LINK for p in pairs),
        reviews=sum(p.decision != LINK for p in pairs),
        dossiers=len(set(result.assignment.values())),
        common_keys=common,
        seconds=time.monotonic() - began,
    )


def recluster(store: LinkStore, dossiers: Iterable[str]) -> int:
    """Cluster these dossiers' mentions again from their stored links and judgements (after a
    judgement, or after a document's mentions were removed); returns the number of dossiers now."""
    component = store.members(set(dossiers))
    if not component:
        return 0
    pool = store.mentions(component)

    def kept_apart(x: str, y: str) -> bool:
        return compare(pool[x], pool[y]).decision == APART

    result = cluster(component, store.links_among(component), store.judgements_among(component), kept_apart)
    store.save([], [], result.assignment, result.joins)
    return len(set(result.assignment.values()))
