"""Athar's application layer: plain Python (no Prefect) that composes the stages.

Intake (bucket, originals store), the state store, the OCR cache, the page feed, process and
reprocess, status and reports. The faces -- the Prefect flows (``flows/``), the command line
(``cli/``) and the web app (``web/``) -- all call these functions, so every way in gives the same
originals, state rows, OCR cache and index.
"""
