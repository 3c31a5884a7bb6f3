"""Athar (أثر, "trace"): the kernel -- typed records, errors, settings, logging and Arabic text."""

__version__ = "0.1.0"
PIPELINE_VERSION = __version__
