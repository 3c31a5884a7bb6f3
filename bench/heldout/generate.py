"""Generate held-out record pages: images (PNG or PDF) plus ``truth.jsonl``.

    .venv/bin/python bench/heldout/generate.py --pages 108 --split heldout --out DIR [--seed 1]
    .venv/bin/python bench/heldout/generate.py --pages 60 --split dev --out DIR --text-only

Pages cycle through the six document types; within a type through the split's layout families; and
independently through the split's typefaces, digit sets (western, eastern, mixed) and degradations
(clean, rotate, photocopy, lowdpi, pdf). Same arguments, same truth and same image bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.heldout import (
    fam_deaths,
    fam_dev2,
    fam_dev2b,
    fam_dev3,
    fam_dev4,
    fam_forms,
    fam_more,
    fam_registers,
)
from bench.heldout.model import DOC_TYPES, Builder, Page
from bench.heldout.render import DEGRADATIONS, TYPEFACES, degrade, render, save

Family = Callable[[Builder], str]

# name -> (doc type, function, split). Four families per document type: two dev, two held out.
FAMILIES: dict[str, tuple[str, Family, str]] = {
    "reg_grid": ("prison_register", fam_registers.reg_grid, "dev"),
    "reg_numbered": ("prison_register", fam_registers.reg_numbered, "dev"),
    "reg_ledger": ("prison_register", fam_registers.reg_ledger, "heldout"),
    "reg_cards": ("prison_register", fam_more.reg_cards, "heldout"),
    "verdict_prose": ("court_record", fam_registers.verdict_prose, "dev"),
    "verdict_field": ("court_record", fam_registers.verdict_field, "dev"),
    "verdict_form": ("court_record", fam_registers.verdict_form, "heldout"),
    "verdict_multi": ("court_record", fam_more.verdict_multi, "heldout"),
    "death_form": ("death_report", fam_deaths.death_form, "dev"),
    "death_prose": ("death_report", fam_deaths.death_prose, "dev"),
    "death_table": ("death_report", fam_deaths.death_table, "heldout"),
    "death_certificate": ("death_report", fam_more.death_certificate, "heldout"),
    "transfer_letter": ("transfer_list", fam_deaths.transfer_letter, "dev"),
    "transfer_numbered": ("transfer_list", fam_deaths.transfer_numbered, "dev"),
    "transfer_memo": ("transfer_list", fam_deaths.transfer_memo, "heldout"),
    "transfer_reply": ("transfer_list", fam_more.transfer_reply, "heldout"),
    "interrog_pairs": ("interrogation_form", fam_forms.interrog_pairs, "dev"),
    "release_order": ("interrogation_form", fam_forms.release_order, "dev"),
    "release_table": ("interrogation_form", fam_forms.release_table, "heldout"),
    "interrog_minutes": ("interrogation_form", fam_more.interrog_minutes, "heldout"),
    "burial_table": ("burial_list", fam_forms.burial_table, "dev"),
    "burial_minutes": ("burial_list", fam_forms.burial_minutes, "dev"),
    "burial_plots": ("burial_list", fam_forms.burial_plots, "heldout"),
    "burial_ledger": ("burial_list", fam_more.burial_ledger, "heldout"),
    # dev2: a second tunable split, fresh families for the weakest types (written apart from the rest)
    "d2_reg_merged": ("prison_register", fam_dev2b.reg_merged, "dev2"),
    "d2_reg_intake": ("prison_register", fam_dev2b.reg_intake, "dev2"),
    "d2_verdict_dashed": ("court_record", fam_dev2.verdict_dashed, "dev2"),
    "d2_verdict_reasons": ("court_record", fam_dev2.verdict_reasons, "dev2"),
    "d2_death_coroner": ("death_report", fam_dev2b.death_coroner, "dev2"),
    "d2_death_ward": ("death_report", fam_dev2b.death_ward, "dev2"),
    "d2_burial_bodies": ("burial_list", fam_dev2.burial_bodies, "dev2"),
    "d2_burial_graves": ("burial_list", fam_dev2.burial_graves, "dev2"),
    # dev4: a tunable split for the field readers (dates, IDs, document type), one family per type
    "d4_daily_movement": ("prison_register", fam_dev4.daily_movement, "dev4"),
    "d4_indictment": ("court_record", fam_dev4.indictment, "dev4"),
    "d4_burial_permit": ("burial_list", fam_dev4.burial_permit, "dev4"),
    "d4_dispatch_cable": ("transfer_list", fam_dev4.dispatch_cable, "dev4"),
    "d4_minutes_qa": ("interrogation_form", fam_dev4.minutes_qa, "dev4"),
    "d4_amnesty_list": ("interrogation_form", fam_dev4.amnesty_list, "dev4"),
    # dev3: a third tunable split (prose defendants, multi-body lists, registers with other columns)
    "d3_verdict_bihaq": ("court_record", fam_dev3.verdict_bihaq, "dev3"),
    "d3_verdict_field": ("court_record", fam_dev3.verdict_field, "dev3"),
    "d3_burial_mass": ("burial_list", fam_dev3.burial_mass, "dev3"),
    "d3_burial_sheet": ("burial_list", fam_dev3.burial_sheet, "dev3"),
    "d3_death_list": ("death_report", fam_dev3.death_list, "dev3"),
    "d3_reg_family_first": ("prison_register", fam_dev3.reg_family_first, "dev3"),
    "d3_reg_compact": ("prison_register", fam_dev3.reg_compact, "dev3"),
    "d3_reg_card_pairs": ("prison_register", fam_dev3.reg_card_pairs, "dev3"),
    "d3_reg_ledger_lines": ("prison_register", fam_dev3.reg_ledger_lines, "dev3"),
}
SPLITS = ("heldout", "dev", "dev2", "dev3", "dev4")
DIGITS = ("western", "eastern", "mixed")


def families_of(split: str, doc_type: str) -> list[str]:
    return [name for name, (dt, _f, sp) in FAMILIES.items() if sp == split and dt == doc_type]


def doc_types_of(split: str) -> list[str]:
    """The document types a split has families for (heldout and dev: all six; dev2: the weakest ones)."""
    return [d for d in DOC_TYPES if families_of(split, d)]


def make_page(split: str, index: int, seed: int = 1) -> tuple[Page, str, str]:
    """Page ``index`` of a split: its truth, its typeface name and its degradation."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    types = doc_types_of(split)
    doc_type = types[index % len(types)]
    names = families_of(split, doc_type)
    turn = index // len(types)
    family = names[turn % len(names)]
    fonts = sorted(TYPEFACES[split])
    font = fonts[(index // 2) % len(fonts)]
    kind = DEGRADATIONS[(index // 3) % len(DEGRADATIONS)]
    digits = DIGITS[(index // 5) % len(DIGITS)]
    page_id = f"{split}-{seed}-{index:04d}"
    rng = random.Random(f"heldout:{page_id}")
    b = Builder(rng, digits)
    _doc_type, func, _split = FAMILIES[family]
    style = func(b)
    return b.page(page_id, split, doc_type, family, style), font, kind


def iter_pages(split: str, n: int, seed: int = 1) -> Iterator[tuple[Page, str, str]]:
    for i in range(n):
        yield make_page(split, i, seed)


def write(split: str, n: int, out: Path, seed: int = 1, text_only: bool = False) -> Path:
    """Write n pages and truth.jsonl into ``out``; returns the truth file."""
    out.mkdir(parents=True, exist_ok=True)
    truth = out / "truth.jsonl"
    with truth.open("w", encoding="utf-8") as handle:
        for page, font, kind in iter_pages(split, n, seed):
            row = page.to_json()
            row.update(font=font, degradation=kind, file=None)
            if not text_only:
                img = degrade(render(page.blocks, TYPEFACES[split][font], page.page_id), kind, page.page_id)
                row["file"] = save(img, out / page.page_id, kind).name
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return truth


def read_truth(path: Path) -> list[tuple[Page, dict[str, object]]]:
    """Pages of a truth.jsonl with their file/font/degradation."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        rows.append((Page.from_json(obj), {k: obj.get(k) for k in ("file", "font", "degradation")}))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=108)
    parser.add_argument("--split", choices=SPLITS, default="heldout")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--text-only", action="store_true", help="truth.jsonl only, no images")
    args = parser.parse_args(argv)
    truth = write(args.split, args.pages, args.out, args.seed, args.text_only)
    print(f"{args.pages} {args.split} pages -> {truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
