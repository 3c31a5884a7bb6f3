"""Athar index stage."""
