"""Athar ocr stage."""
