"""Athar's command line (`athar ...`, `python -m cli ...`) and `athar up`'s supervisor: a face over
the application layer (:mod:`app`), the stages' read-only commands and the Prefect flows."""
