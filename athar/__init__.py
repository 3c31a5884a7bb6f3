"""Athar (أثر, "trace"): typed records, settings, storage and CLI shared by the stages."""

__version__ = "0.1.0"
PIPELINE_VERSION = __version__
