"""A tiny random BERT with a char-level Chinese + ASCII tokenizer, for tests (no model hub).

`build_tiny_bert(folder)` writes a folder that `AutoModel` / `AutoTokenizer` (and
`SentenceEncoder.from_pretrained`) load like any checkpoint, with a `tokenizer.json` a plain
`tokenizers.Tokenizer.from_file` reads too. Chinese text tokenises one token per character
(the BERT normaliser isolates CJK characters), ASCII words into single characters ("h", "##e"...),
so nothing ordinary ends up as [UNK].
"""

from __future__ import annotations

from pathlib import Path

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Unicode blocks whose characters all enter the vocabulary, in this order (the cap keeps a prefix).
_RANGES = [
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。「」
    (0xFF01, 0xFF5E),  # full-width forms: ，？！（）
    (0x4E00, 0x9FFF),  # CJK unified ideographs (basic block, in code point order)
]


def _vocab(vocab_size: int | None) -> list[str]:
    ascii_chars = [chr(c) for c in range(0x21, 0x7F) if not chr(c).isupper()]  # lower-cased input
    vocab = list(SPECIALS)
    vocab += ascii_chars
    vocab += ["##" + c for c in ascii_chars if c.isalnum()]
    seen = set(vocab)
    for lo, hi in _RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if ch not in seen and not ch.isspace():
                vocab.append(ch)
                seen.add(ch)
    if vocab_size is not None:
        if vocab_size < 200:
            raise ValueError("vocab_size must be at least 200 (specials + ASCII)")
        vocab = vocab[:vocab_size]
    return vocab


def build_tokenizer(vocab_size: int | None = None):
    """A BERT-style `tokenizers.Tokenizer` (lower-casing, CJK chars split, [CLS] ... [SEP])."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = {tok: i for i, tok in enumerate(_vocab(vocab_size))}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    tok.decoder = decoders.WordPiece(prefix="##")
    return tok


def build_tiny_bert(folder: Path, vocab_size: int | None = None, *, hidden_size: int = 32,
                    num_layers: int = 2, num_heads: int = 2, intermediate_size: int = 64,
                    max_position_embeddings: int = 128, seed: int = 0) -> Path:
    """Write a tiny random BertModel and its fast tokenizer to `folder`; returns the folder.

    `vocab_size` caps the vocabulary (default: all ~21k CJK basic-block characters plus ASCII and
    CJK punctuation; a cap keeps specials, ASCII and punctuation, then the first ideographs).
    """
    import torch
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    raw = build_tokenizer(vocab_size)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", model_max_length=max_position_embeddings)
    config = BertConfig(
        vocab_size=raw.get_vocab_size(), hidden_size=hidden_size, num_hidden_layers=num_layers,
        num_attention_heads=num_heads, intermediate_size=intermediate_size,
        max_position_embeddings=max_position_embeddings, pad_token_id=raw.token_to_id("[PAD]"))
    torch.manual_seed(seed)
    model = BertModel(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
