"""Athar flows stage."""
