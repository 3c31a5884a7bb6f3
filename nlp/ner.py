"""Optional CAMeL NER plug-in: PERS and LOC from a local BERT model, merged with the rules.

Enabled when ``Settings.ner_model_dir`` (env ``ATHAR_NER_MODEL_DIR``) names a CAMeL Tools NER model
directory. torch and transformers come with the ``ner`` extra (``pip install -e '.[ner]'``); the base
install never imports them. The model is loaded lazily, once per directory per process.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from athar.errors import ConfigurationError, ToolFailedError, ToolMissingError
from athar.records import Mention
from nlp.places import resolve_place

log = logging.getLogger(__name__)
WORD = re.compile(r"[^\s\d\W]+|\d+|[^\w\s]", re.UNICODE)
MAX_TOKENS = 200  # per call: CAMeL's BERT takes 512 word pieces
_TYPES = {"PERS": "PERSON", "PER": "PERSON", "LOC": "LOCATION"}


class Recognizer(Protocol):
    """What the plug-in needs from a recogniser (camel_tools.ner.NERecognizer has it)."""

    def predict_sentence(self, sentence: list[str]) -> list[str]: ...


@lru_cache(maxsize=2)
def load_recognizer(model_dir: str) -> Recognizer:
    """The CAMeL NER model in ``model_dir``, loaded on first use and kept for the process."""
    if not Path(model_dir).is_dir():
        raise ConfigurationError(
            f"ATHAR_NER_MODEL_DIR={model_dir!r} is not a directory; point it at a CAMeL NER model "
            "or unset it."
        )
    try:
        from camel_tools.ner import NERecognizer
    except ImportError as exc:
        raise ToolMissingError(
            f"the NER plug-in needs torch and transformers ({exc.name} is missing); install them with "
            "`.venv/bin/pip install -e '.[ner]'` or unset ATHAR_NER_MODEL_DIR."
        ) from None
    try:
        recognizer = NERecognizer(model_dir, use_gpu=False)
    except Exception as exc:  # transformers raises many types for a bad model directory
        raise ToolFailedError(
            f"could not load the NER model in {model_dir} ({type(exc).__name__}); check that it is a CAMeL "
            "Tools NER model (config.json, vocab.txt, weights)."
        ) from None
    log.info("NER model loaded")
    return recognizer


def label_spans(recognizer: Recognizer, text: str, page: int = 0, source: str = "ner") -> list[Mention]:
    """PERSON and LOCATION mentions from a recogniser's BIO labels, one call per line of ``text``."""
    mentions: list[Mention] = []
    pos = 0
    for line in text.split("\n"):
        tokens = [(m.group(0), pos + m.start(), pos + m.end()) for m in WORD.finditer(line)]
        pos += len(line) + 1
        for chunk_start in range(0, len(tokens), MAX_TOKENS):
            chunk = tokens[chunk_start : chunk_start + MAX_TOKENS]
            labels = recognizer.predict_sentence([t for t, _a, _b in chunk])
            if len(labels) != len(chunk):
                raise ToolFailedError(
                    f"the NER model returned {len(labels)} labels for {len(chunk)} words; "
                    "use a CAMeL NER model."
                )
            mentions.extend(_spans(chunk, labels, text, page, source))
    return mentions


def _spans(
    chunk: list[tuple[str, int, int]], labels: list[str], text: str, page: int, source: str
) -> list[Mention]:
    out: list[Mention] = []
    current: tuple[str, int, int] | None = None
    for (_tok, a, b), label in [*zip(chunk, labels, strict=True), (("", 0, 0), "O")]:
        prefix, _, kind = label.partition("-")
        mapped = _TYPES.get(kind)
        if current and (prefix != "I" or mapped != current[0]):
            out.append(_mention(current, text, page, source))
            current = None
        if mapped and (prefix == "B" or (prefix == "I" and current is None)):
            current = (mapped, a, b)
        elif mapped and current:
            current = (current[0], current[1], b)
    return out


def _mention(span: tuple[str, int, int], text: str, page: int, source: str) -> Mention:
    kind, a, b = span
    surface = text[a:b]
    value = None
    if kind == "LOCATION":
        place = resolve_place(surface)
        value = place.id if place else None
    return Mention(kind, surface, a, b, value, page, source)


def ner_mentions(text: str, model_dir: str, page: int = 0) -> list[Mention]:
    """NER mentions of a page with the model in ``model_dir`` (loaded once)."""
    return label_spans(load_recognizer(model_dir), text, page)
