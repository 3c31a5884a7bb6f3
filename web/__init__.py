"""Researchers' web search (`athar serve`): a JSON API under ``/api`` and server-rendered pages.

The app composes the stages like the CLI does: searches go through ``index.query`` (so the CLI and
the API return the same results), page images are rendered from the stored original, and word boxes
come from the OCR kept for display. Arabic first, right to left; every asset is served locally.
"""
