"""hOCR of one page: ``ocr_page`` > ``ocr_carea`` > ``ocr_line`` > ``ocrx_word`` with bbox and x_wconf.

Text is escaped; Arabic lines carry ``dir="rtl"``. Words a person corrected carry the class
``athar_corrected`` and x_wconf 100.
"""

from __future__ import annotations

import re
from html import escape

from athar import PIPELINE_VERSION
from athar.records import BBox, OcrPage
from export.corrections import HUMAN_CONF
from export.geometry import union

_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _bbox(box: BBox) -> str:
    return "bbox {} {} {} {}".format(*box)


def hocr_html(page: OcrPage, *, image_name: str = "") -> str:
    """The hOCR document of ``page``."""
    width = page.width or max((w.bbox[2] for w in page.words), default=0)
    height = page.height or max((w.bbox[3] for w in page.words), default=0)
    image = escape(image_name or f"{page.sha256}-p{page.page}")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
        ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" lang="ar">',
        "<head>",
        f"<title>{escape(page.sha256[:12])} p{page.page}</title>",
        '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
        f'<meta name="ocr-system" content="athar {PIPELINE_VERSION}; {escape(page.engine)};'
        f' {escape(page.model)}"/>',
        '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_line ocrx_word"/>',
        "</head>",
        "<body>",
        f'<div class="ocr_page" id="page_{page.page}" title="image &quot;{image}&quot;;'
        f' {_bbox((0, 0, width, height))}; ppageno {page.page - 1}; scan_res {page.dpi} {page.dpi}">',
    ]
    blocks: dict[int, dict[int, list[int]]] = {}
    for i, word in enumerate(page.words):
        blocks.setdefault(word.block, {}).setdefault(word.line, []).append(i)
    for b, block_lines in blocks.items():
        members = [page.words[i].bbox for ids in block_lines.values() for i in ids]
        out.append(f'<div class="ocr_carea" id="block_{page.page}_{b}" title="{_bbox(union(members))}">')
        for n, ids in block_lines.items():
            text = " ".join(page.words[i].text for i in ids)
            direction = ' dir="rtl"' if _RTL.search(text) else ""
            box = union([page.words[i].bbox for i in ids])
            out.append(f'<span class="ocr_line" id="line_{page.page}_{n}" title="{_bbox(box)}"{direction}>')
            for i in ids:
                word = page.words[i]
                kind = "ocrx_word athar_corrected" if word.conf >= HUMAN_CONF else "ocrx_word"
                out.append(
                    f'<span class="{kind}" id="word_{page.page}_{i}"'
                    f' title="{_bbox(word.bbox)}; x_wconf {round(word.conf)}">{escape(word.text)}</span>'
                )
            out.append("</span>")
        out.append("</div>")
    out += ["</div>", "</body>", "</html>", ""]
    return "\n".join(out)
