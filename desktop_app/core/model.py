"""The trainable sentence encoder (torch): a transformers encoder + masked mean pooling + L2 norm.

Training and export use this module; queries never do (see `runtime.py`). `tokenize` is the one
place where the model prefix (e.g. "query: " for e5 models) is prepended to texts on the torch
side; the runtime reads the same prefix from the exported meta file.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F


def quiet_transformers() -> None:
    """Our own progress reporter speaks for long jobs: silence transformers' load reports and bars."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


quiet_transformers()


class SentenceEncoder(torch.nn.Module):
    """`forward(input_ids, attention_mask) -> (batch, dim)` unit vectors."""

    def __init__(self, encoder: torch.nn.Module):
        super().__init__()
        self.encoder = encoder

    @classmethod
    def from_pretrained(cls, path: Path | str, **kwargs) -> "SentenceEncoder":
        """Load a local folder (never a hub name: `local_files_only` is forced)."""
        from transformers import AutoModel

        kwargs["local_files_only"] = True
        return cls(AutoModel.from_pretrained(str(path), **kwargs))

    @property
    def config(self):
        return self.encoder.config

    @property
    def dim(self) -> int:
        return int(self.encoder.config.hidden_size)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        counts = mask.sum(dim=1).clamp(min=1e-9)
        return F.normalize(summed / counts, p=2, dim=-1)

    def freeze_word_embeddings(self) -> None:
        """Freeze the word (token) embedding matrix only; position/type embeddings stay trainable."""
        self.encoder.get_input_embeddings().weight.requires_grad_(False)

    def keep_layers(self, n: int) -> list[int]:
        """Drop transformer layers, keeping `n` evenly spaced ones that end at the top layer
        (every other one for half); returns the indices kept."""
        layers = self.encoder.encoder.layer
        total = len(layers)
        n = min(n, total)
        keep = sorted({round((k + 1) * total / n) - 1 for k in range(n)})
        self.encoder.encoder.layer = torch.nn.ModuleList([layers[i] for i in keep])
        self.encoder.config.num_hidden_layers = len(keep)
        return keep

    def freeze_below(self, top_layers: int) -> None:
        """Train only the top `top_layers` transformer layers: everything else freezes (embeddings,
        the layers below, and a pooler, which mean pooling never uses)."""
        layers = self.encoder.encoder.layer
        top = list(layers)[max(len(layers) - top_layers, 0):] if top_layers else []
        keep = {id(p) for layer in top for p in layer.parameters()}
        for p in self.encoder.parameters():
            p.requires_grad_(id(p) in keep)

    def save(self, path: Path | str, tokenizer=None) -> Path:
        """`save_pretrained` the inner model (and the tokenizer, if given) into `path`."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(path)
        if tokenizer is not None:
            tokenizer.save_pretrained(path)
        return path


HALF_MIN = 1 << 16  # matrices at least this large are stored as float16 by save_compact


def save_compact(model, folder: Path) -> None:
    """`save_pretrained`, with the word embeddings and the layers' weight matrices in float16.

    The bundled base model's weights come from 4-bit blocks with float16 scales, so float16
    keeps them to within 2^-11 and halves the cached base model; everything loads as float32
    (the config says float32; `from_pretrained(dtype=torch.float32)` casts on load). Position and
    type embeddings, biases and layer norms stay float32.
    """
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {}
    for key, value in model.state_dict().items():
        value = value.detach().contiguous()
        if value.dim() == 2 and value.numel() >= HALF_MIN and "position" not in key and "token_type" not in key:
            value = value.to(torch.float16)
        state[key] = value
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    model.config.dtype = "float32"
    model.config.save_pretrained(str(folder))


def tokenize(tokenizer, texts: list[str], prefix: str, max_length: int = 64) -> dict[str, torch.Tensor]:
    """Prefix every text, tokenise (pad to the longest, truncate to `max_length` tokens).

    Returns {"input_ids", "attention_mask"} as int64 tensors of shape (len(texts), seq).
    """
    enc = tokenizer([prefix + t for t in texts], padding="longest", truncation=True,
                    max_length=max_length, return_tensors="pt")
    return {"input_ids": enc["input_ids"].long(), "attention_mask": enc["attention_mask"].long()}
