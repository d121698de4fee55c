"""Vocabulary trimming on a small Unigram model built here: the kept set, identical tokenization,
sliced embedding rows, and a shop's pieces added back from the full vocabulary."""

import json

import numpy as np
import pytest

pytest.importorskip("torch")

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors  # noqa: E402

from desktop_app.core.vocab_trim import (TrimError, pieces_of, read_trim, rule_keep,  # noqa: E402
                                         trim_tokenizer_json, used_ids)

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
# (piece, score): a few Chinese words, English, single characters, and pieces of other scripts.
PIECES = SPECIALS + [
    "▁", "扫", "地", "机", "器", "人", "吸", "力", "变", "小", "了", "怎", "么", "办", "▁扫",
    "机器人", "怎么办", "扫地", "a", "e", "h", "l", "o", "r", "s", "t", "w", "▁hello", "hello", "▁the",
    "▁world", "or", "▁wor", "П", "р", "и", "в", "е", "т", "▁Привет", "ив", "▁que", "ry", ":",
]
SCORES = [0.0] * 4 + [-3.0] + [-8.0] * 13 + [-6.0, -6.5, -7.0, -7.5] + [-9.0] * 9 + [-5.0, -9.5, -4.0, -6.0, -9.0, -8.0] \
    + [-10.0] * 6 + [-7.0, -11.0, -9.0, -9.0, -4.0]


def unigram_tokenizer() -> Tokenizer:
    assert len(PIECES) == len(SCORES)
    tok = Tokenizer(models.Unigram(list(zip(PIECES, SCORES)), unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    from tokenizers import AddedToken

    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in SPECIALS])
    return tok


TEXTS = ["扫地机器人吸力变小了怎么办", "hello world", "the robot", "扫地 hello"]


def test_rule_keeps_single_characters_cjk_and_ascii_but_not_other_words():
    tok_json = json.loads(unigram_tokenizer().to_str())
    keep = rule_keep(tok_json)
    names = {PIECES[i] for i in keep}
    assert set(SPECIALS) <= names
    assert {"机器人", "怎么办", "扫地", "▁扫"} <= names  # CJK words
    assert {"▁hello", "▁world", "or"} <= names  # ASCII (short or frequent)
    assert {"П", "р", "и"} <= names  # every single character, any script
    assert "▁Привет" not in names and "ив" not in names  # other scripts' words go


def test_trimmed_tokenizer_splits_kept_texts_identically_and_rebuilds_dropped_words():
    full = unigram_tokenizer()
    tok_json = json.loads(full.to_str())
    kept = sorted(rule_keep(tok_json))
    trimmed = Tokenizer.from_str(json.dumps(trim_tokenizer_json(tok_json, kept)))
    assert trimmed.get_vocab_size() == len(kept) < full.get_vocab_size()
    for text in TEXTS:
        a, b = full.encode(text), trimmed.encode(text)
        assert [kept[i] for i in b.ids] == a.ids and b.tokens == a.tokens
    # A dropped word is rebuilt from its characters, never <unk>; the scores are the original ones.
    assert "▁Привет" in full.encode("Привет").tokens
    rebuilt = trimmed.encode("Привет").tokens
    assert "<unk>" not in rebuilt and "".join(rebuilt[1:-1]).replace("▁", "") == "Привет"
    pieces, scores = pieces_of(json.loads(trimmed.to_str()))
    assert dict(zip(pieces, scores)) == {PIECES[i]: SCORES[i] for i in kept}


def test_special_ids_are_remapped_in_the_post_processor_and_unk():
    tok_json = json.loads(unigram_tokenizer().to_str())
    kept = [0, 1, 2, 3] + sorted(set(rule_keep(tok_json)) - {0, 1, 2, 3}, reverse=True)  # any order works
    out = trim_tokenizer_json(tok_json, kept)
    assert out["model"]["unk_id"] == 3
    trimmed = Tokenizer.from_str(json.dumps(out))
    enc = trimmed.encode("扫地")
    assert enc.tokens[0] == "<s>" and enc.ids[0] == 0 and enc.tokens[-1] == "</s>" and enc.ids[-1] == 2


def test_bpe_is_refused():
    tok = Tokenizer(models.BPE({"a": 0, "b": 1, "ab": 2}, [("a", "b")]))
    with pytest.raises(TrimError):
        trim_tokenizer_json(json.loads(tok.to_str()), [0, 1])


def test_used_ids_counts_the_prefix():
    tok = unigram_tokenizer()
    ids = used_ids(tok, ["扫地"], prefix="query: ")
    assert {PIECES.index("▁que"), PIECES.index("ry"), PIECES.index(":"), PIECES.index("扫地")} <= ids


@pytest.fixture()
def unigram_bert(tmp_path):
    """A tiny random BERT whose tokenizer is the Unigram above, saved as a transformers folder."""
    import torch
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    folder = tmp_path / "full"
    tok = unigram_tokenizer()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", cls_token="<s>", sep_token="</s>")
    config = BertConfig(vocab_size=len(PIECES), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, pad_token_id=1)
    torch.manual_seed(0)
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    fast.save_pretrained(folder)
    tok.save(str(folder / "tokenizer.json"))
    return folder


def _embed(folder, texts):
    import torch
    from transformers import AutoModel, AutoTokenizer

    from desktop_app.core.model import SentenceEncoder, tokenize

    model = SentenceEncoder(AutoModel.from_pretrained(str(folder), dtype=torch.float32)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    with torch.no_grad():
        batch = tokenize(tokenizer, texts, "", 32)
        return model(batch["input_ids"], batch["attention_mask"]).numpy()


def test_trim_folder_slices_rows_and_extend_adds_a_shops_pieces_back(unigram_bert, tmp_path):
    from desktop_app.core.vocab_models import extend_for_texts, trim_folder

    trimmed = trim_folder(unigram_bert, tmp_path / "trimmed", prefix="")
    info = read_trim(trimmed)
    assert info["source"] == f"folder:{unigram_bert}" and PIECES.index("▁Привет") not in info["kept"]
    # Same texts, same embeddings (float16 storage of the matrices aside).
    cos = np.sum(_embed(trimmed, TEXTS) * _embed(unigram_bert, TEXTS), axis=1)
    assert cos.min() > 0.999
    # Nothing to add: the trimmed folder itself is used.
    assert extend_for_texts(trimmed, TEXTS, "", tmp_path / "same") == trimmed
    # A shop writing "Привет" gets the piece and its original row back, at the end of the vocabulary.
    shop = ["Привет 扫地"]
    assert np.sum(_embed(trimmed, shop) * _embed(unigram_bert, shop)) < 0.999  # split into characters
    extended = extend_for_texts(trimmed, shop, "", tmp_path / "shop")
    assert extended == tmp_path / "shop"
    assert read_trim(extended)["kept"][-1] == PIECES.index("▁Привет")
    assert float(np.sum(_embed(extended, shop) * _embed(unigram_bert, shop))) > 0.999
    full_tok = Tokenizer.from_file(str(unigram_bert / "tokenizer.json"))
    ext_tok = Tokenizer.from_file(str(extended / "tokenizer.json"))
    assert ext_tok.encode(shop[0]).tokens == full_tok.encode(shop[0]).tokens


def test_extend_keeps_the_full_tokenizer_after_first_use(unigram_bert, tmp_path, monkeypatch):
    from desktop_app.core import vocab_models
    from desktop_app.core.vocab_models import FULL_TOKENIZER_NAME, extend_for_texts, trim_folder

    trimmed = trim_folder(unigram_bert, tmp_path / "trimmed", prefix="")
    assert not (trimmed / FULL_TOKENIZER_NAME).exists()
    assert extend_for_texts(trimmed, TEXTS, "", tmp_path / "same") == trimmed
    assert (trimmed / FULL_TOKENIZER_NAME).is_file()
    # From now on the full tokenizer is read from there; the source is opened only for the rows
    # of pieces a shop adds back.
    opened = []
    real = vocab_models.full_vocabulary
    monkeypatch.setattr(vocab_models, "full_vocabulary", lambda source: opened.append(source) or real(source))
    assert extend_for_texts(trimmed, TEXTS, "", tmp_path / "same") == trimmed and opened == []
    extended = extend_for_texts(trimmed, ["Привет 扫地"], "", tmp_path / "shop")
    assert opened == [f"folder:{unigram_bert}"]
    assert read_trim(extended)["kept"][-1] == PIECES.index("▁Привет")


def test_cached_trim_of_a_local_base_folder(unigram_bert, monkeypatch, tmp_path):
    from desktop_app.core.encoders import resolve_base_model

    monkeypatch.setenv("STANDARDQ_CACHE", str(tmp_path / "cache"))
    first = resolve_base_model(str(unigram_bert))
    assert first.path != unigram_bert and read_trim(first.path) is not None
    assert first.path.is_relative_to(tmp_path / "cache")
    mtime = (first.path / "model.safetensors").stat().st_mtime_ns
    assert resolve_base_model(str(unigram_bert)).path == first.path  # made once
    assert (first.path / "model.safetensors").stat().st_mtime_ns == mtime
