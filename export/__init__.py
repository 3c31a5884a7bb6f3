"""Stage: human corrections as an overlay on the OCR, and the exports other tools and courts read.

Depends only on the kernel (``athar``) and its libraries: records in, files (or bytes) out.

* :mod:`export.corrections` — the overlay model (a correction of a word, a line or a person field;
  versions, reverts; re-aligning to a new OCR version by box overlap);
* :mod:`export.alto`, :mod:`export.hocr` — ALTO XML v4 and hOCR with word boxes and confidences;
* :mod:`export.iiif` — a IIIF Presentation 3 manifest (canvases = pages, annotations = persons, entities);
* :mod:`export.pdf` — a searchable PDF (the scan with an invisible text layer in logical order);
* :mod:`export.bag` — a BagIt evidence package with a provenance chain and a detached signature;
* :mod:`export.persons` — persons as CSV or XLSX, streamed;
* :mod:`export.training` — corrected lines as image + ``.gt.txt`` pairs for ``ocr/train`` and tesstrain.
"""
