"""Optional NER plug-in: merge logic with a small recogniser, lazy single load, tiny real BERT."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from athar.errors import ConfigurationError
from athar.settings import Settings
from nlp import ner
from nlp.analyze import analyze_text


class GazetteerRecognizer:
    """Labels known words, like a NER model would, through the same predict_sentence interface."""

    def __init__(self) -> None:
        self.calls = 0

    def predict_sentence(self, sentence: list[str]) -> list[str]:
        self.calls += 1
        labels = []
        for i, word in enumerate(sentence):
            if word in ("سليم", "نادر"):
                labels.append("B-PERS" if word == "سليم" else "I-PERS")
            elif word == "عفرين":
                labels.append("B-LOC")
            elif word == "الأمم" or (word == "المتحدة" and i and sentence[i - 1] == "الأمم"):
                labels.append("B-ORG" if word == "الأمم" else "I-ORG")
            else:
                labels.append("O")
        return labels


TEXT = "وصل سليم نادر إلى عفرين\nوتحدث مع الأمم المتحدة"


def test_bio_labels_become_mentions_with_spans() -> None:
    recognizer = GazetteerRecognizer()
    mentions = ner.label_spans(recognizer, TEXT, page=3)
    assert [(m.type, m.text, m.value, m.source, m.page) for m in mentions] == [
        ("PERSON", "سليم نادر", None, "ner", 3),
        ("LOCATION", "عفرين", "place:afrin", "ner", 3),
    ]
    for m in mentions:
        assert TEXT[m.start : m.end] == m.text
    assert recognizer.calls == 2  # one call per line


def test_plugin_is_lazy_loaded_once_and_merged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loads: list[str] = []

    def fake_load(model_dir: str) -> GazetteerRecognizer:
        loads.append(model_dir)
        return GazetteerRecognizer()

    cached = ner.lru_cache(maxsize=2)(fake_load)
    monkeypatch.setattr(ner, "load_recognizer", cached)
    settings = Settings(ner_model_dir=str(tmp_path))
    text = "المدعو سليم نادر تولد عفرين 1980"
    assert loads == []
    first = analyze_text(text, settings)
    second = analyze_text(text, settings)
    assert loads == [str(tmp_path)]  # loaded on first use, once
    assert first == second
    # rules already found the person and the place: NER duplicates are merged away
    assert [(m.type, m.source) for m in first.entities if m.type in ("PERSON", "LOCATION")] == [
        ("PERSON", "rules"),
        ("LOCATION", "rules"),
    ]
    without = analyze_text("وصل سليم نادر", settings)
    assert [(m.type, m.text, m.source) for m in without.entities] == [("PERSON", "سليم نادر", "ner")]
    # no model configured (and the CRF tagger off): rules alone
    assert analyze_text("وصل سليم نادر", Settings(tagger=False)).entities == ()


def test_missing_model_dir_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        ner.load_recognizer(str(tmp_path / "absent"))


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None,
    reason="torch/transformers not installed (the optional 'ner' extra); the plug-in is tested above "
    "with a recogniser object instead",
)
def test_tiny_random_bert_through_camel_ner(tmp_path: Path) -> None:
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    labels = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"ابتثجحخدذرزسشصضطظعغفقكلمنهوي"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={k: i for i, k in enumerate(labels)},
    )
    BertForTokenClassification(config).save_pretrained(tmp_path)
    BertTokenizer(str(tmp_path / "vocab.txt")).save_pretrained(tmp_path)
    ner.load_recognizer.cache_clear()
    mentions = ner.ner_mentions("وصل سليم إلى عفرين", str(tmp_path), page=1)
    assert ner.load_recognizer(str(tmp_path)) is ner.load_recognizer(str(tmp_path))
    for m in mentions:  # random weights: any labels, but spans and types must be well formed
        assert m.type in ("PERSON", "LOCATION") and m.source == "ner"
        assert "وصل سليم إلى عفرين"[m.start : m.end] == m.text
