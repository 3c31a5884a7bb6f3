"""Every record round-trips losslessly through to_json -> JSON text -> from_json."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Union

import pytest

from athar import records
from athar.records import (
    Analysis,
    Event,
    ExtractedDocument,
    Mention,
    NameKeys,
    OcrPage,
    OcrWord,
    PageFailure,
    Person,
    Preprocessing,
    Record,
    SourceDocument,
)


def _sample(hint: Any, seed: int) -> Any:
    """A value of type ``hint`` unlike any default (so a field that is dropped is noticed)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return _sample(next(a for a in args if a is not type(None)), seed)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_sample(args[0], seed), _sample(args[0], seed + 1))
        return tuple(_sample(a, seed + i) for i, a in enumerate(args))
    if origin is list:
        return [_sample(args[0], seed)]
    if origin is dict:
        return {_sample(args[0], seed): _sample(args[1], seed + 1)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = enumerate(dataclasses.fields(hint))
        return hint(**{f.name: _sample(hints[f.name], seed + i) for i, f in fields})
    samples = {str: f"نص {seed}", int: 7 + seed, float: 0.5 + seed, bool: True}
    return samples.get(hint, f"value {seed}")


RECORD_TYPES = sorted(
    (c for c in vars(records).values() if isinstance(c, type) and issubclass(c, Record) and c is not Record),
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_record_round_trips(cls: type[Record]) -> None:
    original = _sample(cls, 1)
    rebuilt = cls.from_json(json.loads(json.dumps(original.to_json(), ensure_ascii=False)))
    assert rebuilt == original
    assert type(rebuilt) is cls


def test_extracted_document_with_pages_words_analysis_persons_events_and_name_keys() -> None:
    word = OcrWord(text="محمد", conf=91.5, bbox=(10, 20, 110, 60), line=3, block=1)
    page = OcrPage(
        sha256="ab" * 32,
        page=2,
        text="محمد",
        words=(word,),
        confidence=91.5,
        preprocessing=Preprocessing(
            rotation=90, skew_angle=-1.25, binarization="otsu", denoise=True,
            candidates={"otsu": 88.0}, digit_pass={"tried": 3, "changed": 1},
        ),
        engine="tesseract 5.3.0",
        model="ara",
        width=2480,
        height=3508,
        dpi=300,
        hocr="/tmp/p2.hocr",
        image="/tmp/p2.upright.jpg",
    )
    person = Person(
        name="محمد الخطيب",
        first="محمد",
        family="الخطيب",
        mother="فاطمة",
        birth_date="1985",
        national_id="01020304050",
        events=(Event(type="arrest", date="2012-03-04", place="damascus"), Event(type="transfer")),
        page=2,
        start=0,
        end=11,
        name_keys=NameKeys(normalized="محمد الخطيب", skeleton="mhmd", latin=("mohammad al-khatib",)),
    )
    doc = ExtractedDocument(
        document=SourceDocument("inbox/a.pdf", "ab" * 32, 1234, "application/pdf", 2, has_text_layer=False),
        pages=(page,),
        failures=(PageFailure("ab" * 32, 1, "corrupt_file", "page 1 is truncated", retryable=False),),
        analysis=Analysis(
            doc_type="prison_register",
            doc_type_confidence=0.8,
            entities=(Mention("DATE", "٤/٣/٢٠١٢", 5, 14, value="2012-03-04", page=2),),
            persons=(person,),
        ),
    )
    rebuilt = ExtractedDocument.from_json(json.loads(json.dumps(doc.to_json(), ensure_ascii=False)))
    assert rebuilt == doc
    assert isinstance(rebuilt.pages[0].words[0].bbox, tuple)
    assert rebuilt.analysis is not None and rebuilt.analysis.persons[0].name_keys == person.name_keys


def test_missing_fields_take_defaults_and_unknown_keys_are_ignored() -> None:
    word = OcrWord.from_json({"text": "x", "conf": 90, "bbox": [1, 2, 3, 4], "added_later": 1})
    assert word == OcrWord(text="x", conf=90.0, bbox=(1, 2, 3, 4))
    assert isinstance(word.conf, float)
