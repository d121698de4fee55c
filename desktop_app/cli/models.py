"""`standardq train`, `demo`, `query`, `predict`, `versions`, `activate`: the shop's models and
matching with them."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..core.losses import LOSSES
from .common import CliError, TqdmReporter, fmt, open_matcher, open_shop, open_store, print_json


def add_model_commands(sub) -> None:
    for name, func, helptext in (("train", cmd_train, "fine-tune, export, index and activate a new model"),
                                 ("demo", cmd_demo, "create and train the demo shop, then answer sample questions")):
        s = sub.add_parser(name, help=helptext)
        if name == "train":
            s.add_argument("--shop", required=True)
        s.add_argument("--loss", choices=list(LOSSES), help="default arcface (see core/losses.py)")
        s.add_argument("--epochs", type=int)
        s.add_argument("--margin", type=float)
        s.add_argument("--scale", type=float)
        s.add_argument("--base-model", dest="base_model")
        s.add_argument("--seed", type=int)
        s.set_defaults(func=func)

    s = sub.add_parser("query", help="match one consumer question")
    s.add_argument("--shop", required=True)
    s.add_argument("--json", action="store_true")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("text")
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("predict", help="match a file of questions, one per line, to JSON lines")
    s.add_argument("--shop", required=True)
    s.add_argument("--input", required=True)
    s.add_argument("--output", required=True)
    s.add_argument("-k", type=int, default=5)
    s.set_defaults(func=cmd_predict)

    s = sub.add_parser("versions", help="list model versions")
    s.add_argument("--shop", required=True)
    s.set_defaults(func=cmd_versions)


def add_activate_command(sub) -> None:
    s = sub.add_parser("activate", help="activate an older model version (rollback)")
    s.add_argument("--shop", required=True)
    s.add_argument("version", type=int)
    s.set_defaults(func=cmd_activate)


def train_config(args, store, shop):
    """The shop's training settings (as the GUI's settings dialog stores them), then the options."""
    from ..core.shop_settings import load_settings

    options = {k: getattr(args, k) for k in ("loss", "epochs", "margin", "scale", "base_model", "seed")
               if getattr(args, k, None) is not None}
    if "loss" in options and "margin" not in options:
        options["margin"] = None  # another loss: its own default margin, not the stored loss's
    return load_settings(store, shop.id).train_config(**options)


def run_retrain(store, shop, config, quiet=False):
    from ..core.pipeline import retrain

    reporter = TqdmReporter(quiet=quiet)
    try:
        return retrain(store, shop.id, config, reporter)
    finally:
        reporter.close()


def cmd_train(args) -> int:
    store, shop = open_shop(args)
    result = run_retrain(store, shop, train_config(args, store, shop))
    m = result.version.metrics
    print(f"model v{result.version.id} active: validation top-1 {fmt(result.val_top1_before)} untuned -> "
          f"{fmt(result.val_top1_after)} fine-tuned ({m.get('runtime_variant')}), {result.seconds:.0f} s")
    return 0


def cmd_query(args) -> int:
    store, shop = open_shop(args)
    matcher = open_matcher(store, shop, quiet=args.json)
    result = matcher.query(args.text, k=args.k)
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{result.decision}  ({result.latency_ms:.1f} ms, model v{result.model_version})")
    if result.twin:
        print("  the top two hold the same similar question: suggested, not answered (see `standardq doctor`)")
    for m in result.matches:
        print(f"  {m.score:.3f}  {m.standard_question}  [{m.category}]")
    return 0


def cmd_predict(args) -> int:
    from ..core.io_formats import read_text_lines

    store, shop = open_shop(args)
    lines = read_text_lines(Path(args.input))
    matcher = open_matcher(store, shop)
    t0 = time.perf_counter()
    results = matcher.query_many(lines, k=args.k)
    seconds = time.perf_counter() - t0
    out = Path(args.output)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    tmp.replace(out)
    print(f"{len(results)} queries in {seconds:.2f} s ({len(results) / max(seconds, 1e-9):.0f}/s) -> {out}",
          file=sys.stderr)
    return 0


def cmd_versions(args) -> int:
    from ..core.services.versions import version_top1

    store, shop = open_shop(args)
    for v in store.versions(shop.id):
        top1, _ = version_top1(v)
        print(f"v{v.id}\t{'*' if v.active else ' '}\t{v.status}\t{v.loss}\t{v.created_at}\t"
              f"top-1 {fmt(top1)}\t{'files removed' if v.files_removed else ''}")
    return 0


def cmd_activate(args) -> int:
    from ..core.pipeline import activate

    store, shop = open_shop(args)
    version = store.version(args.version)
    if version.shop_id != shop.id:
        raise CliError(f"model version {args.version} does not belong to shop '{shop.name}'")
    activate(store, version.id, TqdmReporter())
    print(f"model v{version.id} active")
    return 0


def cmd_demo(args) -> int:
    from ..core.demo import DEMO_SHOP, ensure_demo_shop, sample_queries

    store = open_store(args)
    shop, report = ensure_demo_shop(store)
    if report is not None:
        print(f"created demo shop '{DEMO_SHOP}': {report.added_standard} standard questions, "
              f"{report.added_similar} similar questions")
    samples = sample_queries()
    before = _demo_answers(open_matcher(store, shop), samples)
    result = run_retrain(store, shop, train_config(args, store, shop))
    after = _demo_answers(open_matcher(store, shop), samples, show=True)
    print(f"\nvalidation top-1: {fmt(result.val_top1_before)} untuned -> {fmt(result.val_top1_after)} fine-tuned; "
          f"sample questions right: {before}/{len(samples)} untuned -> {after}/{len(samples)} fine-tuned; "
          f"training + export + index {result.seconds:.0f} s")
    return 0


def _demo_answers(matcher, samples, show=False) -> int:
    from ..core.prepare import answered_right

    right = 0
    for row in samples:
        r = matcher.query(row["query"], k=3)
        ok = answered_right(r, row.get("expected") or "")
        right += ok
        if show:
            top = r.matches[0] if r.matches else None
            shown = f"{top.score:.3f} {top.standard_question}" if top else "-"
            print(f"{'✓' if ok else '✗'} {row['query']}  ->  {r.decision}: {shown}  ({r.latency_ms:.1f} ms)")
    return right
