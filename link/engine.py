"""Incremental linking: new mentions against the existing dossiers, without a full recomputation.

For a batch of new mentions (one document, or a chunk of the index): their blocking keys find
candidates in the store (:class:`LinkStore`), each pair is scored (:func:`link.score.compare_features`
on features stored with each mention, after the cheap :func:`link.score.surely_apart`), and only the
dossiers the new mentions link to are clustered again, together with the new mentions, from their
stored links and judgements. Work and memory grow with the batch and its candidates, not with the
number of persons already linked.

**Stable dossier ids.** A dossier's id derives from the smallest *anchor* of its members. A mention's
anchor is its id when first linked, and a mention that replaces a forgotten one of the same
document (a reprocessed page whose spans moved: same page, same name) inherits the forgotten one's
anchor (:meth:`LinkStore.anchors`), so reprocessing leaves dossier ids as they were.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from link.blocking import MAX_BLOCK, keys_of
from link.cluster import Clustering, Join, Judgement, cluster
from link.features import Features, features
from link.mention import PersonMention
from link.score import APART, LINK, PairScore, compare_features, surely_apart

Linked = tuple[PersonMention, Features, tuple[str, ...], str]
"""A new mention as stored: the mention, its features, its blocking keys and its anchor."""


class LinkStore(Protocol):
    """What the linker needs from a store of mentions, links, judgements and dossiers."""

    def candidates(
        self, keys: Sequence[str], limit: int
    ) -> tuple[dict[str, list[str] | None], dict[str, Features]]:
        """Mention ids under each blocking key (None for a key more than ``limit`` share), and the
        features of every mention named, in one read."""

    def features(self, ids: Iterable[str]) -> dict[str, Features]:
        """The stored features of the mentions with these ids."""

    def anchors(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> dict[str, str]:
        """Anchors of stored mentions among ``ids``, and of the ``new`` (not stored) mentions that
        replace a forgotten mention of their document (the forgotten one's anchor); missing: the id."""

    def dossiers_of(self, ids: Iterable[str]) -> dict[str, str]:
        """Mention id -> dossier id, for the stored ones."""

    def members(self, dossiers: Iterable[str]) -> list[str]:
        """Every mention id of these dossiers."""

    def links_among(self, ids: Iterable[str]) -> list[PairScore]:
        """Stored automatic-link pairs (decision ``link``) with both mentions among ``ids``."""

    def judgements_among(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> list[Judgement]:
        """Judgements on pairs with both mentions among ``ids`` (history order); ``new`` are mentions
        among them not stored yet (a reprocessed document's: judgements may name them already)."""

    def judged(self, new: Sequence[PersonMention]) -> list[str]:
        """Stored mentions a judgement pairs with one of these (not stored yet) mentions."""

    def save(
        self,
        new: Sequence[Linked],
        pairs: Sequence[PairScore],
        assignment: dict[str, str],
        joins: Sequence[Join],
    ) -> None:
        """Store new mentions (with features, keys and anchors), new pairs, and the dossiers of a
        re-clustered component, in one transaction."""


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
) -> tuple[dict[str, set[str]], dict[str, Features], int]:
    """New mention id -> ids sharing a key with it (stored or in the batch), the stored ones'
    features, and how many keys were skipped as too common."""
    found, feats = store.candidates(list(dict.fromkeys(k for m in new for k in keys[m.id])), MAX_BLOCK)
    blocks = {key: ids for key, ids in found.items() if ids is not None}
    common = len(found) - len(blocks)
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
    return out, feats, common


def _clusters(
    store: LinkStore,
    component: list[str],
    pool: dict[str, Features],
    extra: Sequence[PairScore] = (),
    new: Sequence[PersonMention] = (),
) -> tuple[dict[str, str], Clustering]:
    pool.update(store.features(set(component) - pool.keys()))
    inside = set(component)
    links = store.links_among(component) + [p for p in extra if p.a in inside and p.b in inside]
    cache: dict[tuple[str, str], bool] = {}

    def kept_apart(x: str, y: str) -> bool:
        key = (x, y) if x < y else (y, x)
        if key not in cache:
            fx, fy = pool[x], pool[y]
            cache[key] = surely_apart(fx, fy) or compare_features(fx, fy).decision == APART
        return cache[key]

    anchors = store.anchors(component, new)
    result = cluster(component, links, store.judgements_among(component, new), kept_apart, anchors.get)
    return anchors, result


def link_batch(store: LinkStore, batch: Sequence[PersonMention]) -> LinkReport:
    """Link new mentions against the store; mentions already stored are left as they are."""
    began = time.monotonic()
    known = store.dossiers_of(m.id for m in batch)
    new = [m for m in dict((m.id, m) for m in batch).values() if m.id not in known]
    if not new:
        return LinkReport(seconds=time.monotonic() - began)
    pool: dict[str, Features] = {m.id: features(m) for m in new}
    keys = {m.id: keys_of(pool[m.id]) for m in new}
    candidates, stored, common = _candidates(store, new, keys)
    for mention_id, feats in stored.items():
        pool.setdefault(mention_id, feats)
    pairs: list[PairScore] = []
    compared = 0
    for m in new:
        mine = pool[m.id]
        for other in candidates[m.id]:
            theirs = pool.get(other)
            if theirs is None:  # a stored candidate gone meanwhile
                continue
            compared += 1
            if surely_apart(mine, theirs):
                continue
            score = compare_features(mine, theirs)
            if score.decision != APART:
                pairs.append(score)
    linked_old = {p.a if p.a not in keys else p.b for p in pairs if p.decision == LINK}
    linked_old -= keys.keys()
    touched = set(store.dossiers_of(linked_old | set(store.judged(new))).values())
    component = [m.id for m in new] + [i for i in store.members(touched) if i not in keys]
    anchors, result = _clusters(store, component, pool, pairs, new)
    store.save(
        [(m, pool[m.id], keys[m.id], anchors.get(m.id, m.id)) for m in new],
        pairs,
        result.assignment,
        result.joins,
    )
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
    _, result = _clusters(store, component, {})
    store.save([], [], result.assignment, result.joins)
    return len(set(result.assignment.values()))
