"""NLP stage evaluation: held-out record pages first, then the labelled synthetic dev set.

    .venv/bin/python bench/nlp.py [--heldout N] [--pages N] [--ocr N] [--no-ocr]

Headline: the held-out development set (``bench/heldout``: layouts, wording and typefaces
``tests/synth.py`` never made; the ``heldout`` split, never tuned on), text mode and OCR, scored by
``bench/heldout/score.py``; OCR output is cached in ``$ATHAR_HELDOUT_CACHE`` (default
/work/data/heldout-cache), so only the first run reads the pages. Then, as before:

Sets (all seeded, same output every run):
- clean text: ``tests.synth.make_page`` for the four layouts x Western/Eastern/mixed digits, plus
  ``make_prose`` paragraphs (prose persons are scored in their own line too);
- OCR of clean pages and OCR of degraded pages (``render_page`` + ``degrade``, then
  ``ocr.pipeline.extract_document``), when the OCR stage is installed.

Match rule for persons: a found person matches an unmatched true person of the same page when their
normalised names (athar.arabic.normalize_arabic) have a rapidfuzz ``ratio`` >= 85 (exact equality on
clean text in practice); greedy, best pairs first, one-to-one. Mother accuracy and birth-year accuracy
are over matched persons (mother: normalised equality; year: first four characters equal; persons
without a true mother/birth date are skipped); event: a true event (type, ISO date) found on the
matched person. Dates: multiset of ISO values per page (DATE entities)
against the truth's dates. Places: multiset of canonical ids per page (LOCATION/FACILITY entities)
against the truth's places resolved through the gazetteer by their Latin name.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from athar.arabic import normalize_arabic
from athar.records import Analysis
from nlp.places import resolve_place
from tests import synth
from tests.synth import HELD_OUT_FONT

NAME_THRESHOLD = 85.0


@dataclass
class Score:
    """Running counts for one evaluation set."""

    person_tp: int = 0
    person_found: int = 0
    person_true: int = 0
    mother_ok: int = 0
    mother_near: int = 0  # within the person search's tolerance (one letter for 3-5 letters, two from 6)
    mother_n: int = 0
    year_ok: int = 0
    year_n: int = 0
    date_tp: int = 0
    date_found: int = 0
    date_true: int = 0
    place_tp: int = 0
    place_found: int = 0
    place_true: int = 0
    doc_ok: int = 0
    doc_n: int = 0
    event_ok: int = 0
    event_n: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def f1(tp: int, found: int, true: int) -> tuple[float, float, float]:
        p = tp / found if found else 0.0
        r = tp / true if true else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def row(self, name: str) -> str:
        pp, pr, pf = self.f1(self.person_tp, self.person_found, self.person_true)
        _dp, _dr, df = self.f1(self.date_tp, self.date_found, self.date_true)
        _lp, _lr, lf = self.f1(self.place_tp, self.place_found, self.place_true)
        mother = self.mother_ok / self.mother_n if self.mother_n else float("nan")
        year = self.year_ok / self.year_n if self.year_n else float("nan")
        doc = self.doc_ok / self.doc_n if self.doc_n else float("nan")
        event = self.event_ok / self.event_n if self.event_n else float("nan")
        return (
            f"{name:<22} {pp:5.3f} {pr:5.3f} {pf:5.3f}   {mother:5.3f}  {year:5.3f}   {df:5.3f}  {lf:5.3f}"
            f"   {doc:5.3f}  {event:5.3f}"
            f"  (persons {self.person_true}, dates {self.date_true}, places {self.place_true}"
            + (
                f"; mother within search tolerance {self.mother_near / self.mother_n:.3f})"
                if self.mother_n
                else ")"
            )
        )


HEADER = f"{'set':<22} {'P':>5} {'R':>5} {'F1':>5}   mother  b.year   dateF1 placeF1 doctype event"


def truth_place_id(surface: str, latin: str) -> str:
    place = resolve_place(latin) or resolve_place(surface)
    return place.id if place else f"?{latin}"


def score_page(
    score: Score,
    analysis: Analysis,
    persons: Sequence[synth.TruthPerson],
    dates: Sequence[tuple[str, str]],
    places: Sequence[tuple[str, str]] | None,
    doc_type: str | None = None,
) -> None:
    """Add one page's comparison to ``score``."""
    found = list(analysis.persons)
    score.person_found += len(found)
    score.person_true += len(persons)
    pairs = []
    for i, p in enumerate(found):
        for j, t in enumerate(persons):
            ratio = fuzz.ratio(normalize_arabic(p.name), normalize_arabic(t.name))
            if ratio >= NAME_THRESHOLD:
                pairs.append((ratio, i, j))
    used_found: set[int] = set()
    used_true: set[int] = set()
    for _ratio, i, j in sorted(pairs, reverse=True):
        if i in used_found or j in used_true:
            continue
        used_found.add(i)
        used_true.add(j)
        score.person_tp += 1
        p, t = found[i], persons[j]
        if t.mother:
            score.mother_n += 1
            got, want = normalize_arabic(p.mother or ""), normalize_arabic(t.mother)
            score.mother_ok += got == want
            allowed = (
                0 if len(want) < 3 else 1 if len(want) < 6 else 2
            )  # fuzziness AUTO:3,6 in index/query.py
            score.mother_near += bool(got) and Levenshtein.distance(got, want) <= allowed
        for ev in t.events:
            score.event_n += 1
            score.event_ok += any(e.type == ev.type and e.date == ev.date for e in p.events)
        if t.birth_date:
            score.year_n += 1
            score.year_ok += (p.birth_date or "")[:4] == t.birth_date[:4]
    for j, t in enumerate(persons):
        if j not in used_true and len(score.misses) < 5:
            score.misses.append(t.name)
    got_dates = Counter(m.value for m in analysis.entities if m.type == "DATE")
    want_dates = Counter(iso for _s, iso in dates)
    score.date_found += sum(got_dates.values())
    score.date_true += sum(want_dates.values())
    score.date_tp += sum((got_dates & want_dates).values())
    if places is not None:
        got = Counter(m.value for m in analysis.entities if m.type in ("LOCATION", "FACILITY"))
        want = Counter(truth_place_id(s, latin) for s, latin in places)
        score.place_found += sum(got.values())
        score.place_true += sum(want.values())
        score.place_tp += sum((got & want).values())
    if doc_type is not None:
        score.doc_n += 1
        score.doc_ok += analysis.doc_type == doc_type


def clean_text(n_pages: int) -> tuple[Score, Score]:
    """Records and prose scored from their clean text."""
    from nlp.analyze import analyze_text

    pages = Score()
    for i in range(n_pages):
        doc_type = synth.DOC_TYPES[i % 4]
        digits = ("western", "eastern", "mixed")[(i // 4) % 3]
        truth = synth.make_page(1000 + i, doc_type, digits=digits)
        score_page(pages, analyze_text(truth.text), truth.persons, truth.dates, truth.places, doc_type)
    prose = Score()
    for i in range(max(4, n_pages // 4)):
        text, persons, dates = synth.make_prose(2000 + i, digits=("western", "eastern")[i % 2])
        score_page(prose, analyze_text(text), persons, dates, None)
    return pages, prose


def ocr_pages(n_pages: int, degraded: bool, font: str | None = None) -> Score | None:
    """Pages rendered, optionally degraded, OCR'd by the OCR stage, then analysed."""
    try:
        from athar.settings import load_settings
        from nlp.analyze import analyze_pages
        from ocr.pipeline import extract_document
    except ImportError as exc:
        print(f"(OCR sets skipped: {exc})")
        return None
    settings = load_settings()
    score = Score()
    kinds = [k for k in synth.DEGRADATIONS if k != "rotate"] if degraded else ["clean"]
    with tempfile.TemporaryDirectory(prefix="athar-bench-nlp-") as tmp:
        for i in range(n_pages):
            doc_type = synth.DOC_TYPES[i % 4]
            digits = ("western", "eastern")[(i // 4) % 2]
            truth = synth.make_page(3000 + i, doc_type, digits=digits)
            image = synth.render_page(truth, seed=3000 + i, font=font)
            if degraded:
                image, _info = synth.degrade(image, kinds[i % len(kinds)], seed=3000 + i)
            path = Path(tmp) / f"p{i}.png"
            image.save(path, dpi=(300, 300))
            doc = extract_document(path, settings, work_dir=Path(tmp) / f"w{i}", jobs=1)
            score_page(
                score, analyze_pages(doc.pages, settings), truth.persons, truth.dates, truth.places, doc_type
            )
    return score


# Common Latin spellings of Syrian names (press, UN and NGO lists), for the name-key measurement.
SPELLINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("محمد", ("Mohammad", "Mohammed", "Muhammad", "Mohamad", "Mohamed", "Mhd")),
    ("أحمد", ("Ahmad", "Ahmed")),
    ("خالد", ("Khaled", "Khalid")),
    ("عبد الرحمن", ("Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abdelrahman")),
    ("يوسف", ("Youssef", "Yousef", "Yusuf", "Yousif")),
    ("إبراهيم", ("Ibrahim", "Ebrahim")),
    ("حسين", ("Hussein", "Hussain", "Husein")),
    ("مصطفى", ("Mustafa", "Moustafa", "Mostafa")),
    ("عبد الله", ("Abdullah", "Abdallah", "Abdulla")),
    ("عبد القادر", ("Abdulkader", "Abdel Kader", "Abd al-Qadir")),
    ("سامر", ("Samer",)),
    ("وائل", ("Wael", "Wa'el")),
    ("غسان", ("Ghassan",)),
    ("طارق", ("Tarek", "Tariq", "Tareq")),
    ("زياد", ("Ziad", "Ziyad")),
    ("جمال", ("Jamal", "Gamal")),
    ("محمود", ("Mahmoud", "Mahmud")),
    ("ياسر", ("Yasser", "Yaser")),
    ("معاذ", ("Muaz", "Moaz", "Muath")),
    ("هيثم", ("Haitham", "Haytham")),
    ("حمزة", ("Hamza", "Hamzeh")),
    ("فاطمة", ("Fatima", "Fatma", "Fatmeh")),
    ("خديجة", ("Khadija", "Khadijeh")),
    ("عائشة", ("Aisha", "Aicha", "Aysha")),
    ("زينب", ("Zainab", "Zeinab", "Zaynab")),
    ("الخطيب", ("al-Khatib", "Al Khatib", "Khatib", "El-Khatib")),
    ("الحموي", ("al-Hamawi", "Hamwi")),
    ("الحمصي", ("al-Homsi", "Homsi", "al-Himsi")),
    ("الزعبي", ("al-Zoubi", "Zoubi", "al-Zu'bi")),
    ("الشامي", ("al-Shami", "Shami", "Chami")),
    ("قباني", ("Kabbani", "Qabbani")),
    ("عثمان", ("Othman", "Osman", "Uthman")),
    ("الرفاعي", ("al-Rifai", "Rifai", "Refaai")),
    ("الدرويش", ("Darwish", "al-Darwish")),
    ("إلياس", ("Elias", "Ilyas", "Elyas")),
    ("إلهام", ("Ilham", "Elham")),
    ("ألفت", ("Olfat", "Ulfat")),
)


def name_key_quality() -> None:
    """How often Arabic and Latin spellings meet, by method; Latin-variant coverage; key speed."""
    import random

    from camel_tools.utils.charmap import CharMapper

    from athar.arabic import name_keys, skeleton
    from tests import synth_data

    ar2bw = CharMapper.builtin_mapper("ar2bw")
    pairs = [(ar, lat) for ar, spellings in SPELLINGS for lat in spellings]

    def folded(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())

    common = sum(skeleton(ar) == skeleton(lat) for ar, lat in pairs) / len(pairs)
    buckwalter = sum(skeleton(ar2bw(normalize_arabic(ar))) == skeleton(lat) for ar, lat in pairs) / len(pairs)
    variants = {ar: {folded(v) for v in name_keys(ar).latin} for ar, _s in SPELLINGS}
    exact = sum(folded(lat) in variants[ar] for ar, lat in pairs) / len(pairs)
    print(f"name keys on {len(pairs)} Arabic/Latin spelling pairs ({len(SPELLINGS)} names):")
    print(f"  skeleton meets (shared consonant alphabet, athar.arabic.skeleton): {common:.3f}")
    print(f"  skeleton meets via camel-tools ar2bw then the Latin rules:         {buckwalter:.3f}")
    print(f"  spelling among the romanizer's variants (top 3, skeleton-checked):  {exact:.3f}")
    misses = [f"{ar}/{lat}" for ar, lat in pairs if skeleton(ar) != skeleton(lat)]
    print(f"  skeleton misses: {', '.join(misses) or 'none'}")
    rng = random.Random(7)
    names = {
        " ".join(
            (rng.choice(synth_data.MALE_FIRST), rng.choice(synth_data.FATHER), rng.choice(synth_data.FAMILY))
        )
        for _ in range(20000)
    }
    name_keys.cache_clear()
    started = time.perf_counter()
    for name in names:
        name_keys(name)
    per_name = (time.perf_counter() - started) / len(names)
    print(f"  name_keys: {1e6 * per_name:.0f} us per distinct 3-part name ({len(names)} names, units cached)")


def heldout_headline(pages: int, ocr: bool) -> None:
    """The held-out split of bench/heldout: overall, clean/degraded, per document type."""
    from bench.heldout.evaluate import DEFAULT_CACHE, evaluate, report
    from bench.heldout.score import header

    print(f"HELD-OUT record pages (bench/heldout, split heldout, {pages} pages; headline)")
    print(header())
    modes = ("text", "ocr") if ocr else ("text",)
    for line in report(evaluate("heldout", pages, 1, modes, DEFAULT_CACHE, jobs=2), True, False):
        print(line)
    print()
    print("synthetic dev set (tests/synth.py: the project's own generator, flattering)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=48, help="clean-text pages (default 48)")
    parser.add_argument("--ocr", type=int, default=8, help="pages per OCR set (default 8)")
    parser.add_argument("--no-ocr", action="store_true", help="skip the OCR sets")
    parser.add_argument(
        "--font",
        help="font file for the OCR sets instead of the generator's two, e.g. a typeface Athar's OCR model "
        "was not fine-tuned on (" + HELD_OUT_FONT + ")",
    )
    parser.add_argument(
        "--heldout", type=int, default=60, help="held-out pages, text and OCR (default 60; 0 skips)"
    )
    args = parser.parse_args(argv)
    if args.heldout > 0:
        heldout_headline(args.heldout, ocr=not args.no_ocr)
    print(HEADER)
    started = time.perf_counter()
    pages, prose = clean_text(args.pages)
    text_seconds = time.perf_counter() - started
    print(pages.row("clean text: records"))
    print(prose.row("clean text: prose"))
    print(f"  analysis time: {1000 * text_seconds / (args.pages + max(4, args.pages // 4)):.1f} ms per page")
    name_key_quality()
    if not args.no_ocr and args.ocr > 0:
        for degraded in (False, True):
            score = ocr_pages(args.ocr, degraded, args.font)
            if score is None:
                break
            label = "OCR degraded" if degraded else "OCR clean"
            print(score.row(f"{label} ({Path(args.font).stem})" if args.font else label))
            if score.misses:
                print("  e.g. missed:", len(score.misses), "persons")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
