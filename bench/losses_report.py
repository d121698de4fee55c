"""Tables for bench/RESULTS.md from the loss comparison's JSON (bench/losses.py).

    .venv/bin/python bench/losses_report.py [bench/out/losses.json] > bench/out/losses_section.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = {"smp": "smp2019-ecdt", "dialogflow": "dialogflow-zh-support", "banking": "banking77"}


def pct(x) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f}"


def table(name: str, r: dict) -> str:
    from desktop_app.core.losses import TITLES

    u, t = r["untuned"], r["tfidf_lr"]
    lines = [f"### {NAMES.get(name, name)}", "",
             f"{r['classes']} classes, {r['train']} training and {r['test']} test utterances; {r['epochs']} epochs; "
             f"open set: {r['open_classes']} classes left out of training and added afterwards.", "",
             "| model | test top-1, best entry | centroid | open set: added classes | added, by centroid | "
             "open set: trained classes | training s |", "|---|---|---|---|---|---|---|",
             f"| TF-IDF char 1–3-grams + logistic regression | {pct(t['all']['best'])} | | (cannot) | | "
             f"{pct(t['open']['trained']['best'])} | |",
             f"| untuned encoder | {pct(u['all']['best'])} | {pct(u['all']['centroid'])} | "
             f"{pct(u['open']['added']['best'])} | {pct(u['open']['added'].get('centroid'))} | "
             f"{pct(u['open']['trained']['best'])} | |"]
    for loss, row in r["losses"].items():
        o = row.get("open", {})
        bold = "**" if loss == "arcface" else ""
        lines.append(f"| {bold}{TITLES.get(loss, loss)}{bold} | {bold}{pct(row['all']['best'])}{bold} | "
                     f"{pct(row['all']['centroid'])} | {pct(o.get('added', {}).get('best'))} | "
                     f"{pct(o.get('added', {}).get('centroid'))} | "
                     f"{pct(o.get('trained', {}).get('best'))} | {row['train_seconds']} |")
    # Calibrated thresholds are bench/thresholds.py's table (two kinds of "none"); the
    # "calibrated" entry in this JSON is the same measurement for the held-out intents only.
    return "\n".join(lines)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "bench" / "out" / "losses.json")
    results = json.loads(path.read_text(encoding="utf-8"))
    parts = [table(name, r) for name, r in results.items() if isinstance(r, dict) and "losses" in r]
    each = ", ".join(f"{NAMES.get(n, n)} {r['seconds'] / 60:.0f}" for n, r in results.items()
                     if isinstance(r, dict) and "seconds" in r)
    parts.append(f"Whole comparison: {results.get('total_seconds', 0) / 60:.0f} min on 2 cores ({each}).")
    print("\n\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
