"""Person dossiers for every face (CLI, web, flows): link, list, show, review, decide.

* :func:`link_documents` — on ingest (the processing path calls it after indexing): the documents'
  person records are linked against the existing dossiers (:func:`link.engine.link_batch`); records a
  reprocessed document no longer has are forgotten and their dossiers clustered again.
* :func:`link_pending` — `athar link`: everything in the persons index not linked yet (and nothing
  else: idempotent); records gone from the index are forgotten.
* :func:`dossiers`, :func:`dossier` — the dossiers with their timelines (:mod:`link.timeline`).
* :func:`review_queue`, :func:`decide` — pairs to judge, and a judgement (appended to the history,
  then the two dossiers clustered again: a ``different`` splits, a ``same`` joins).

After each change the persons index gets the entries' dossier ids (:func:`index.persons.set_dossiers`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from app.dossier_store import DossierStore
from athar.errors import AtharError, PermanentError
from athar.records import Analysis, ExtractedDocument
from athar.settings import Settings
from index.load import person_id
from link.cluster import VERDICTS, check_decision, pair_id, pending
from link.engine import LinkReport, link_batch, recluster
from link.features import Features
from link.mention import PersonMention, from_index, from_person
from link.score import APART, PairScore, compare_features, describe, surely_apart
from link.timeline import Dossier, build

log = logging.getLogger(__name__)

MAX_REVIEWER_CHARS = 100
FLUSH_EVERY = 2000  # dossier ids written to the index in batches this size while linking the whole index
DOCUMENTS_PER_COMMIT = 200  # `athar link` commits the dossier store once per this many documents


class DossierNotFoundError(PermanentError):
    code = "dossier_not_found"


class PairNotFoundError(PermanentError):
    code = "pair_not_found"


class JudgementRefusedError(PermanentError):
    code = "judgement_refused"


def open_store(settings: Settings) -> DossierStore:
    """The dossier store in the state database (``data_dir/athar.db``)."""
    return DossierStore.sqlite(settings.data_dir / "athar.db")


def _flush(store: DossierStore, settings: Settings, client: Any | None) -> None:
    """Copy the dossier ids written since the last flush to the persons index."""
    assigned, store.assigned = store.assigned, {}
    if client is not None and assigned:
        from index.persons import set_dossiers

        set_dossiers(client, settings, assigned)


def mentions_of(doc: ExtractedDocument) -> list[PersonMention]:
    """The person mentions of an analysed document, with their persons index ids."""
    analysis = doc.analysis or Analysis()
    sha = doc.document.sha256
    return [from_person(person_id(sha, p), sha, p, analysis.doc_type) for p in analysis.persons]


def link_documents(
    settings: Settings, docs: Sequence[ExtractedDocument], client: Any | None = None
) -> LinkReport:
    """Link freshly indexed documents against the dossiers (incremental; no full recomputation)."""
    store = open_store(settings)
    report = LinkReport()
    with store.bulk():  # the batch's documents in one transaction
        linked = store.linked_in(d.document.sha256 for d in docs)
        stale_dossiers: set[str] = set()
        for doc in docs:
            mentions = mentions_of(doc)
            keep = {m.id for m in mentions}
            stale = linked.get(doc.document.sha256, set()) - keep
            if stale:
                stale_dossiers |= store.remove_mentions(stale)
            report = report + link_batch(store, mentions)
        if stale_dossiers:
            recluster(store, stale_dossiers)
    _flush(store, settings, client)
    log.info(
        "linked %d new person records (%d links, %d to review)", report.mentions, report.links, report.reviews
    )
    return report


def after_index(settings: Settings, docs: Sequence[ExtractedDocument]) -> LinkReport | None:
    """The processing path's hook: link documents just indexed (a failure leaves them for `athar link`)."""
    if not docs:
        return None
    try:
        from index.client import make_client

        return link_documents(settings, docs, client=make_client(settings))
    except AtharError as exc:
        log.warning("%d documents indexed but not linked [%s]; run `athar link`", len(docs), exc.code)
        return None
    except Exception as exc:  # a linking fault must not undo an ingest: the documents are indexed
        log.error("%d documents indexed but not linked (%s); run `athar link`", len(docs), type(exc).__name__)
        return None


def link_pending(settings: Settings, client: Any) -> LinkReport:
    """Link every indexed person record not linked yet; forget records gone from the index."""
    from index.persons import person_ids, person_sources

    store = open_store(settings)
    in_index: dict[str, list[str]] = {}
    for entry, sha in person_ids(client, settings):
        in_index.setdefault(sha, []).append(entry)
    linked = store.linked_documents()
    gone = {m for sha, ids in linked.items() for m in ids - set(in_index.get(sha, ()))}
    touched = store.remove_mentions(gone) if gone else set()
    if touched:
        recluster(store, touched)
    report = LinkReport()
    todo = [
        (sha, new)
        for sha, ids in sorted(in_index.items())
        if (new := sorted(set(ids) - linked.get(sha, set())))
    ]
    for start in range(0, len(todo), DOCUMENTS_PER_COMMIT):
        with store.bulk():
            for _sha, new in todo[start : start + DOCUMENTS_PER_COMMIT]:
                sources = person_sources(client, settings, new)
                report = report + link_batch(store, [from_index(i, sources[i]) for i in sorted(sources)])
        if len(store.assigned) >= FLUSH_EVERY:
            _flush(store, settings, client)
    _flush(store, settings, client)
    log.info("linked %d person records (%d forgotten)", report.mentions, len(gone))
    return report


def _pending_pairs(store: DossierStore) -> list[PairScore]:
    """The review queue, less pairs whose dossiers the rules keep apart anyway (a namesake's mother
    or birth year differs from another mention of the dossier): asking about them is moot."""
    pairs = store.review_pairs()
    dossiers = store.dossiers_of({i for p in pairs for i in (p.a, p.b)})
    queue = pending(pairs, dossiers.get, store.all_judgements())
    involved = {dossiers[i] for p in queue for i in (p.a, p.b)}
    member_ids = store.members(involved)
    owner = store.dossiers_of(member_ids)
    members: dict[str, list[Features]] = {}
    for feats in store.features(member_ids).values():
        members.setdefault(owner[feats.id], []).append(feats)
    out = []
    for p in queue:
        left, right = members.get(dossiers[p.a], []), members.get(dossiers[p.b], [])
        if not any(
            (x.id, y.id) != (p.a, p.b) and (surely_apart(x, y) or compare_features(x, y).decision == APART)
            for x in left
            for y in right
        ):
            out.append(p)
    return out


def dossiers(settings: Settings) -> Iterator[Dossier]:
    """Every dossier (singletons too), streamed in dossier order."""
    store = open_store(settings)
    queue = _pending_pairs(store)
    owner = store.dossiers_of({i for p in queue for i in (p.a, p.b)})
    waiting = Counter(owner[i] for p in queue for i in (p.a, p.b))
    joins = store.all_joins()
    for did, members in store.iter_dossiers():
        yield build(did, members, joins.get(did, []), pending=waiting.get(did, 0))


def dossier(settings: Settings, dossier_id: str) -> Dossier:
    """One dossier with its timeline, conflicts and links; raises if there is no such dossier."""
    store = open_store(settings)
    members = store.dossier_members(dossier_id.strip())
    if not members:
        raise DossierNotFoundError(
            f"There is no dossier {dossier_id!r}; list them with `athar dossiers` (ids change when "
            "dossiers are joined or split)."
        )
    queue = [
        p for p in _pending_pairs(store) if p.a in {m.id for m in members} or p.b in {m.id for m in members}
    ]
    return build(dossier_id, members, store.joins_of(dossier_id), pending=len(queue))


@dataclass(frozen=True)
class ReviewItem:
    """One pair waiting for a reviewer: both mentions, their dossiers, the score and the reasons."""

    pair: str
    a: PersonMention
    b: PersonMention
    dossier_a: str
    dossier_b: str
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "score": self.score,
            "reasons": list(self.reasons),
            "why": [describe(r) for r in self.reasons],
            "a": {**self.a.to_json(), "dossier": self.dossier_a},
            "b": {**self.b.to_json(), "dossier": self.dossier_b},
        }


def review_queue(settings: Settings, *, limit: int | None = None) -> list[ReviewItem]:
    """Pairs waiting for a reviewer, best first (none that a judgement already answers)."""
    store = open_store(settings)
    queue = _pending_pairs(store)[:limit] if limit else _pending_pairs(store)
    ids = {i for p in queue for i in (p.a, p.b)}
    found = store.mentions(ids)
    owner = store.dossiers_of(ids)
    return [
        ReviewItem(pair_id(p.a, p.b), found[p.a], found[p.b], owner[p.a], owner[p.b], p.score, p.reasons)
        for p in queue
    ]


@dataclass(frozen=True)
class Decision:
    """A judgement made, and the dossiers of its two mentions afterwards."""

    pair: str
    verdict: str
    by: str
    at: str
    dossier_a: str
    dossier_b: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def decide(settings: Settings, pair: str, verdict: str, by: str, client: Any | None = None) -> Decision:
    """Judge a pair ``same``, ``different`` or ``unsure`` (appended to the history, who and when)."""
    who = " ".join(by.split())
    if not who or len(who) > MAX_REVIEWER_CHARS:
        raise JudgementRefusedError(f"--by must name the reviewer (1-{MAX_REVIEWER_CHARS} characters).")
    if verdict not in VERDICTS:
        raise JudgementRefusedError(f"The verdict must be one of {', '.join(VERDICTS)} (got {verdict!r}).")
    store = open_store(settings)
    found = store.find_pair(pair.strip())
    if found is None:
        raise PairNotFoundError(
            f"There is no pair {pair!r}; `athar review` lists the pending ones and `athar dossier ID --json` "
            "the links of a dossier."
        )
    owner = store.dossiers_of([found.a, found.b])
    both = set(owner.values())
    judged = store.judgements_among(store.members(both))
    members = store.members(both)
    why = check_decision(found.a, found.b, verdict, store.dossiers_of(members).get, judged)
    if why:
        raise JudgementRefusedError(f"Refused: {why}. Revise that judgement first.")
    mentions = store.mentions([found.a, found.b])
    made = store.judge(mentions[found.a], mentions[found.b], verdict, who)
    recluster(store, both)
    _flush(store, settings, client)
    after = store.dossiers_of([found.a, found.b])
    return Decision(pair, verdict, who, made.at, after[found.a], after[found.b])


def history(settings: Settings, limit: int = 1000) -> list[dict[str, Any]]:
    """Every judgement ever made (newest first)."""
    return open_store(settings).history(limit)


def counts(settings: Settings) -> dict[str, int]:
    """How many mentions, dossiers and pending pairs there are (for status pages)."""
    store = open_store(settings)
    ids = store.linked_ids()
    return {
        "mentions": len(ids),
        "dossiers": len(set(store.dossiers_of(ids).values())),
        "pending_review": len(_pending_pairs(store)),
    }


def unlinked(settings: Settings, ids: Iterable[str]) -> list[str]:
    """Which of these person ids are in no dossier yet."""
    have = open_store(settings).dossiers_of(ids)
    return [i for i in ids if i not in have]
