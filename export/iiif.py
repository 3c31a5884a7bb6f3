"""A IIIF Presentation 3 manifest of one document (iiif-prezi3): a canvas per page, the scan painted on
it, and annotations that mark persons and entities on the words they were read from, so a IIIF
viewer (Mirador, Universal Viewer) shows them as boxes with their text.

Ids are URLs under ``base_url`` (the web app: ``/api/documents/<sha256>/pages/<n>/image`` serves
each page image in the word boxes' coordinates).
"""

from __future__ import annotations

import json
from typing import Any

from athar.records import Analysis, OcrPage
from export.geometry import area, span_box

ENTITY_LABELS = {
    "DATE": "تاريخ",
    "LOCATION": "مكان",
    "FACILITY": "منشأة",
    "NATIONAL_ID": "رقم وطني",
}


def _person_text(person: Any) -> str:
    parts = [f"شخص: {person.name}"]
    if person.mother:
        parts.append(f"الأم: {person.mother}")
    if person.birth_date:
        parts.append(f"الولادة: {person.birth_date}")
    if person.birth_place:
        parts.append(f"المكان: {person.birth_place}")
    role = getattr(person, "role", None)
    if role:
        parts.append(f"الدور: {role}")
    return " — ".join(parts)


def _annotation(anno_id: str, canvas_id: str, box: tuple[int, int, int, int], text: str, tag: str) -> Any:
    from iiif_prezi3 import Annotation

    x0, y0, x1, y1 = box
    return Annotation(
        id=anno_id,
        motivation="commenting",
        target=f"{canvas_id}#xywh={x0},{y0},{x1 - x0},{y1 - y0}",
        body=[
            {"type": "TextualBody", "value": text, "format": "text/plain", "language": "ar"},
            {"type": "TextualBody", "value": tag, "purpose": "tagging", "format": "text/plain"},
        ],
    )


def manifest(
    sha256: str, pages: list[OcrPage], analysis: Analysis | None, *, base_url: str, label: str = ""
) -> dict[str, Any]:
    """The manifest as JSON-compatible data (validated by iiif-prezi3's models as it is built)."""
    from iiif_prezi3 import AnnotationPage, Manifest

    base = base_url.rstrip("/")
    root = f"{base}/iiif/{sha256}"
    doc = Manifest(
        id=f"{root}/manifest.json",
        label={"ar": [label or f"وثيقة {sha256[:12]}"], "en": [label or f"document {sha256[:12]}"]},
        metadata=[{"label": {"en": ["sha256"]}, "value": {"none": [sha256]}}],
        behavior=["paged"] if len(pages) > 1 else None,
    )
    found = analysis or Analysis()
    for page in pages:
        canvas_id = f"{root}/canvas/{page.page}"
        canvas = doc.make_canvas(
            id=canvas_id, width=page.width, height=page.height, label={"none": [str(page.page)]}
        )
        canvas.add_image(
            image_url=f"{base}/api/documents/{sha256}/pages/{page.page}/image",
            anno_page_id=f"{canvas_id}/page",
            anno_id=f"{canvas_id}/image",
            format="image/jpeg",
            width=page.width,
            height=page.height,
        )
        marks = AnnotationPage(id=f"{canvas_id}/annotations")
        for n, person in enumerate(p for p in found.persons if p.page == page.page):
            box = span_box(page, person.start, person.end)
            if area(box):
                marks.add_item(
                    _annotation(f"{canvas_id}/person/{n}", canvas_id, box, _person_text(person), "PERSON")
                )
        for n, mention in enumerate(m for m in found.entities if m.page == page.page):
            box = span_box(page, mention.start, mention.end)
            if area(box) and mention.type != "PERSON":
                name = ENTITY_LABELS.get(mention.type, mention.type)
                value = f"{name}: {mention.text}" + (f" ({mention.value})" if mention.value else "")
                marks.add_item(_annotation(f"{canvas_id}/entity/{n}", canvas_id, box, value, mention.type))
        if marks.items:
            canvas.annotations = [marks]
    result: dict[str, Any] = json.loads(doc.jsonld())
    return result


def validate(data: dict[str, Any]) -> None:
    """Raise (pydantic's ValidationError) unless ``data`` is a valid Presentation 3 manifest."""
    from iiif_prezi3 import Manifest

    Manifest.model_validate_json(json.dumps(data))
