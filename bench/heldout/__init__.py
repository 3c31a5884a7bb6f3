"""A held-out development set of Arabic record pages, written independently of ``tests/synth.py``.

``generate.py`` draws seeded pages of six document types in layout families and typefaces split into
``dev`` (for tuning) and ``heldout`` (reported only); ``evaluate.py`` runs Athar's shipped OCR + NLP on
them and scores persons, mothers, birth years, IDs, dates, places, facilities, roles, titles, doc types.
"""
