"""The held-out development set (bench/heldout): deterministic, truthful, split cleanly, independent of
tests/synth.py, and scored by a rule that can fail. No OCR here."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from athar.records import Analysis, Mention
from athar.records import Person as FoundPerson
from bench.heldout.generate import FAMILIES, SPLITS, doc_types_of, families_of, make_page
from bench.heldout.model import DOC_TYPES, EASTERN, ROLES
from bench.heldout.model import Person as TruthPerson
from bench.heldout.render import DEGRADATIONS, TYPEFACES, degrade, render, save
from bench.heldout.score import match_persons, score_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = 36  # six of each document type per split


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_same_seed_same_pages_and_different_seeds_differ() -> None:
    for split in SPLITS:
        for i in range(12):
            assert make_page(split, i, 1)[0].to_json() == make_page(split, i, 1)[0].to_json()
    assert make_page("dev", 0, 1)[0].persons != make_page("dev", 0, 2)[0].persons


def test_images_are_byte_identical_across_runs(tmp_path: Path) -> None:
    page, font, _kind = next(make_page("dev", i) for i in range(PAGES) if make_page("dev", i)[1] == "amiri")
    blobs = []
    for run in range(2):
        img = degrade(render(page.blocks, TYPEFACES["dev"][font], page.page_id), "photocopy", page.page_id)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        blobs.append(buf.getvalue())
        blobs.append(save(img, tmp_path / f"r{run}", "pdf").read_bytes())
    assert blobs[0] == blobs[2] and blobs[1] == blobs[3]
    assert blobs[1].startswith(b"%PDF")


@pytest.mark.parametrize("split", SPLITS)
def test_truth_spans_are_on_the_page_text(split: str) -> None:
    for i in range(PAGES):
        page = make_page(split, i)[0]
        text = _flat(page.text)
        western = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        assert page.persons, page.page_id
        for p in page.persons:
            assert p.role in ROLES
            parts = [x for x in (p.first, p.father, p.family) if x]
            assert p.name in text or all(x in text for x in parts), (page.page_id, p.role)
            if p.mother:
                assert p.mother in text
            if p.title:
                assert f"{p.title} {p.name}" in text, (page.page_id, p.title)
            if p.birth_year:
                assert p.birth_year in western
            if p.national_id:
                assert re.fullmatch(r"\d{11}", p.national_id) and p.national_id in western
        for surface, iso in page.dates:
            assert surface in text and re.fullmatch(r"\d{4}(-\d\d-\d\d)?", iso)
        for surface, _latin in page.places:
            assert surface in text, (page.page_id, surface)
        for nid in page.national_ids:
            assert nid in western or nid.translate(EASTERN) in text
        for surface in {s for s, _latin in page.places}:  # never more mentions than the page has
            assert sum(s == surface for s, _l in page.places) <= text.count(surface), (page.page_id, surface)


def test_every_page_has_officials_and_every_type_is_made() -> None:
    for split in SPLITS:
        pages = [make_page(split, i)[0] for i in range(PAGES)]
        assert {p.doc_type for p in pages} == set(doc_types_of(split))
        assert {p.family for p in pages} == {f for f, (_d, _fn, sp) in FAMILIES.items() if sp == split}
        for page in pages:
            assert any(p.role in ("official", "judge") for p in page.persons), page.page_id


def test_splits_share_no_layout_family_and_no_typeface() -> None:
    assert not set(TYPEFACES["dev"]) & set(TYPEFACES["heldout"])
    assert not set(TYPEFACES["dev"].values()) & set(TYPEFACES["heldout"].values())
    assert len(TYPEFACES["heldout"]) >= 2
    for doc_type in DOC_TYPES:
        held, dev = families_of("heldout", doc_type), families_of("dev", doc_type)
        assert held and dev and not set(held) & set(dev)
        assert len(held) + len(dev) >= 3
    for split in SPLITS:
        for i in range(PAGES):
            page, font, kind = make_page(split, i)
            assert FAMILIES[page.family][2] == split and font in TYPEFACES[split] and kind in DEGRADATIONS


def test_dev2_is_fresh_and_shares_nothing_with_heldout() -> None:
    """dev2 is tunable but new: its own families (own functions, never a dev or heldout one), only
    non-heldout typefaces, and at least two families for each of the four weakest document types."""
    assert set(doc_types_of("dev2")) >= {"court_record", "burial_list", "prison_register", "death_report"}
    funcs = {sp: {fn for _d, fn, s in FAMILIES.values() if s == sp} for sp in SPLITS}
    assert not funcs["dev2"] & (funcs["dev"] | funcs["heldout"])
    assert {fn.__module__ for fn in funcs["dev2"]} == {"bench.heldout.fam_dev2", "bench.heldout.fam_dev2b"}
    assert not set(TYPEFACES["dev2"]) & set(TYPEFACES["heldout"])
    assert not set(TYPEFACES["dev2"].values()) & set(TYPEFACES["heldout"].values())
    for doc_type in doc_types_of("dev2"):
        assert len(families_of("dev2", doc_type)) >= 2, doc_type
    assert make_page("dev2", 0)[0].page_id.startswith("dev2-")


def test_generator_does_not_use_the_project_generator() -> None:
    for path in (ROOT / "bench" / "heldout").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "tests" or n.startswith("tests.") for n in names), path.name
    probe = "import sys, bench.heldout.generate, bench.heldout.evaluate; print('tests.synth' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _perfect(page_index: int) -> tuple[Analysis, object]:
    page = make_page("heldout", page_index)[0]
    persons = tuple(FoundPerson(name=p.name, mother=p.mother, birth_date=p.birth_year) for p in page.persons)
    ents = tuple(Mention("DATE", s, 0, 0, iso) for s, iso in page.dates) + tuple(
        Mention("NATIONAL_ID", n, 0, 0, n) for n in page.national_ids
    )
    return Analysis(page.doc_type, 1.0, ents, persons), page


def test_the_score_rewards_truth_and_punishes_titles_inside_names() -> None:
    analysis, page = _perfect(2)
    figs = score_page(page, analysis).figures()  # type: ignore[arg-type]
    assert figs["F1"] == 1.0 and figs["dateF1"] == 1.0 and figs["doctype"] == 1.0
    assert score_page(page, Analysis()).figures()["F1"] == 0.0  # type: ignore[arg-type]
    truth = [TruthPerson("بشير الديري", "بشير", None, "الديري", role="official", title="العميد")]
    assert match_persons([FoundPerson(name="بشير الديري")], truth) == [(0, 0)]
    assert match_persons([FoundPerson(name="بشیر الديرى")], truth) == [(0, 0)]  # spelling variants
    assert match_persons([FoundPerson(name="العميد بشير الديري")], truth) == []
    assert match_persons([FoundPerson(name="ابشير الديري")], truth) == [(0, 0)]  # one glued letter


def test_errors_are_listed_for_the_tunable_splits_and_refused_for_heldout() -> None:
    from bench.heldout.evaluate import GROUPS, errors, main

    assert errors({"split": "dev2", "tallies": {}}) == [] and errors({"split": "dev", "tallies": {}}) == []
    with pytest.raises(SystemExit):
        errors({"split": "heldout", "tallies": {}})
    for split in ("heldout", "both", "all"):
        with pytest.raises(SystemExit):
            main(["--split", split, "--errors", "--pages", "1"])
    assert GROUPS["both"] == ("heldout", "dev") and GROUPS["all"] == ("heldout", "dev", "dev2", "dev3")
