"""Athar nlp stage."""
