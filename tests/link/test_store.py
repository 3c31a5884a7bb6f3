"""The SQLite dossier store as the linker uses it: features, stop-word keys, officials, stable ids."""

from __future__ import annotations

from pathlib import Path

from app.dossier_store import DossierStore
from link.blocking import block_keys, keys_of
from link.engine import link_batch, recluster
from link.features import decode, encode, features
from link.memory import MemoryStore
from link.score import APART, LINK, REVIEW, compare, compare_features, surely_apart
from tests.link.test_cluster import _population
from tests.link.test_rules import person


def test_features_round_trip_and_score_as_the_mentions_do() -> None:
    mentions = _population(5)
    feats = [features(m) for m in mentions]
    assert all(decode(f.id, encode(f)) == f for f in feats)
    for a, fa in zip(mentions, feats, strict=True):
        assert keys_of(fa) == block_keys(a)
        for b, fb in zip(mentions[:40], feats[:40], strict=True):
            if a.id != b.id:
                assert compare_features(fa, fb) == compare(a, b)
                if surely_apart(fa, fb):  # the cheap test is never wrong
                    assert compare(a, b).decision == APART


def test_officials_link_only_among_officials() -> None:
    judge = person("j1", "محمد أحمد الخطيب", role="judge")
    detainee = person("d1", "محمد أحمد الخطيب", mother="فاطمة", birth_date="1980")
    assert compare(judge, detainee).decision == APART
    assert "role:differ" in compare(judge, detainee).reasons
    assert not set(block_keys(judge)) & set(block_keys(detainee))  # they never even meet
    # two officials agreeing on the name alone: not a review question
    other = person("j2", "محمد أحمد الخطيب", role="official")
    assert compare(judge, other).decision == APART
    assert "role:official_name_only" in compare(judge, other).reasons
    assert set(block_keys(judge)) & set(block_keys(other))
    # with evidence beyond the name, officials are linked or reviewed as anyone
    a = person("j3", "محمد أحمد الخطيب", role="judge", mother="فاطمة", birth_date="1970")
    b = person("j4", "محمد احمد خطيب", role="witness", mother="فاطمه", birth_date="1970")
    assert compare(a, b).decision == LINK
    c = person("j5", "محمد أحمد الخطيب", role="judge", mother="فاطمة")
    assert compare(a, c).decision == REVIEW
    store = MemoryStore()
    link_batch(store, [judge, detainee, other, a, b])
    assert store.dossier["j3"] == store.dossier["j4"]
    assert len({store.dossier[i] for i in ("j1", "d1", "j2", "j3")}) == 4


def test_sqlite_store_links_as_the_memory_store(tmp_path: Path) -> None:
    mentions = _population(13)
    sql, mem = DossierStore.sqlite(tmp_path / "athar.db"), MemoryStore()
    with sql.bulk():
        for start in range(0, len(mentions), 5):
            link_batch(sql, mentions[start : start + 5])
    for start in range(0, len(mentions), 5):
        link_batch(mem, mentions[start : start + 5])
    assert sql.dossiers_of(m.id for m in mentions) == mem.dossier
    # a fresh connection sees what bulk() committed
    assert DossierStore.sqlite(tmp_path / "athar.db").linked_ids() == {m.id for m in mentions}


def test_a_too_common_key_becomes_a_stop_word(tmp_path: Path) -> None:
    store = DossierStore.sqlite(tmp_path / "athar.db")
    crowd = [person(f"p{i:03}", "محمد أحمد الخطيب", birth_date=str(1950 + i % 40)) for i in range(12)]
    link_batch(store, crowd)
    key = next(k for k in block_keys(crowd[0]) if k.startswith("ff:"))
    found, _ = store.candidates([key], limit=10)
    assert found[key] is None  # 12 share it: skipped, and never read again
    found, _ = store.candidates([key], limit=100)
    assert found[key] is None


def test_dossier_ids_survive_reprocessing_that_moves_spans(tmp_path: Path) -> None:
    store = DossierStore.sqlite(tmp_path / "athar.db")
    him = person("s1:1:0-16", "محمد أحمد الخطيب", sha256="s1", mother="فاطمة", birth_date="1980")
    alone = person("s1:1:20-36", "خالد عمر الحلبي", sha256="s1", start=20, mother="سعاد")
    dead = person("s2:1:0-14", "محمد احمد خطيب", sha256="s2", mother="فاطمه", birth_date="1980")
    link_batch(store, [him, alone])
    link_batch(store, [dead])
    before = store.dossiers_of([him.id, alone.id, dead.id])
    assert before[him.id] == before[dead.id] != before[alone.id]
    # reprocessing s1: both records move (new ids); one name is re-read with a dot corrected
    moved = person("s1:1:3-19", "محمد أحمد الخطيب", sha256="s1", start=3, mother="فاطمة", birth_date="1980")
    reread = person("s1:1:24-40", "خالد عمر الحلنى", sha256="s1", start=24, mother="سعاد")
    touched = store.remove_mentions([him.id, alone.id])
    link_batch(store, [moved, reread])
    recluster(store, touched)
    after = store.dossiers_of([moved.id, reread.id, dead.id])
    assert after[moved.id] == after[dead.id] == before[him.id]
    assert after[reread.id] == before[alone.id]
    # a genuinely new record gets a new id
    new = person("s1:2:0-15", "سامر يوسف الحمصي", sha256="s1", page=2)
    link_batch(store, [new])
    assert store.dossiers_of([new.id])[new.id] not in set(before.values())
