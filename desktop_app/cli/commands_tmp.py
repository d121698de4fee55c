"""`standardq` command line: thin commands over the core. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from . import __version__
from .core.losses import LOSSES
from .core.reporter import Reporter
from .paths import data_dir, resource

DEMO_SHOP = "净途演示店"


class TqdmReporter(Reporter):
    """One tqdm bar per stage, on stderr."""

    def __init__(self, quiet: bool = False):
        super().__init__()
        self.quiet = quiet
        self._bar = None

    def stage(self, name, total=None):
        self.close()
        if not self.quiet:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=name, unit="step", file=sys.stderr, leave=True,
                             dynamic_ncols=True)

    def progress(self, done, total=None):
        if self._bar is not None:
            if total is not None and self._bar.total != total:
                self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def metric(self, name, value, step=None):
        if self._bar is not None and name == "loss":
            self._bar.set_postfix(loss=f"{value:.3f}", refresh=False)

    def log(self, message):
        if not self.quiet:
            (self._bar.write if self._bar is not None else lambda m: print(m, file=sys.stderr))(message)

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class CliError(Exception):
    pass


def _store(args):
    from .core.store import Store

    return Store(data_dir(args.home))


def _shop(store, name):
    return store.shop(name)


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False))


# ----------------------------------------------------------------------------- commands
def cmd_shop(args) -> int:
    store = _store(args)
    if args.action == "create":
        shop = store.create_shop(args.name)
        if args.base_model:
            store.set_shop_settings(shop.id, {**store.shop_settings(shop.id), "base_model": args.base_model})
        print(f"created shop '{shop.name}'")
    elif args.action == "list":
        for shop in store.shops():
            n = len(store.standards(shop.id))
            active = store.active_version(shop.id)
            print(f"{shop.name}\t{n} standard questions\tmodel v{active.id if active else '-'}")
    elif args.action == "delete":
        shop = _shop(store, args.name)
        if not args.yes:
            raise CliError(f"deleting shop '{shop.name}' removes all its questions: add --yes to confirm")
        store.delete_shop(shop.id)
        import shutil

        shutil.rmtree(store.home / "shops" / str(shop.id), ignore_errors=True)
        print(f"deleted shop '{shop.name}'")
    return 0


def cmd_import(args) -> int:
    from .core.io_formats import read_rows

    store = _store(args)
    if args.create and not any(s.name == args.shop for s in store.shops()):
        store.create_shop(args.shop)
    shop = _shop(store, args.shop)
    rows, warnings = read_rows(Path(args.file))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    report = store.import_rows(shop.id, rows, skip_conflicts=args.skip_conflicts)
    print(f"imported into '{shop.name}': {report.added_standard} standard questions added, "
          f"{report.updated_standard} updated, {report.added_similar} similar questions added, "
          f"{report.skipped_identical} identical rows skipped, {len(report.conflicts)} conflicts left out")
    for c in report.conflicts:
        print(f"conflict (left out): {c}", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from .core.io_formats import write_rows

    store = _store(args)
    shop = _shop(store, args.shop)
    rows = store.export_rows(shop.id)
    write_rows(Path(args.file), rows)
    print(f"exported {len(rows)} rows of '{shop.name}' to {args.file}")
    return 0


def cmd_list(args) -> int:
    store = _store(args)
    shop = _shop(store, args.shop)
    items = store.standards(shop.id, search=args.search or "")
    if args.json:
        out = []
        for sq in items:
            d = {"id": sq.id, "standard_question": sq.text, "category": sq.category, "answer": sq.answer,
                 "enabled": sq.enabled}
            if args.similar:
                d["similar"] = [{"id": s.id, "text": s.text, "source": s.source, "status": s.status}
                                for s in store.similars(sq.id)]
            out.append(d)
        _print_json(out)
        return 0
    for sq in items:
        flag = "" if sq.enabled else "  [disabled]"
        print(f"{sq.id}\t{sq.text}\t[{sq.category}]\t{sq.similar_count} similar{flag}")
        if args.similar:
            for s in store.similars(sq.id):
                print(f"\t- {s.text}  ({s.source}, {s.status})")
    return 0


def _find_standard(store, shop, text):
    from .core.store import NotFoundError

    sq = store.find_standard(shop.id, text)
    if sq is None:
        raise NotFoundError(f"no standard question '{text}' in shop '{shop.name}'")
    return sq


def cmd_add(args) -> int:
    store = _store(args)
    shop = _shop(store, args.shop)
    if args.similar is not None:
        if not args.to:
            raise CliError("--similar needs --to STANDARD_QUESTION")
        sq = _find_standard(store, shop, args.to)
        sim = store.add_similar(sq.id, args.similar, source="manual")
        print(f"added similar question {sim.id} to '{sq.text}'")
    else:
        sq = store.add_standard(shop.id, args.standard, category=args.category or "", answer=args.answer or "")
        print(f"added standard question {sq.id}")
    return 0


def cmd_remove(args) -> int:
    from .core.normalize import normalize_text
    from .core.store import NotFoundError

    store = _store(args)
    shop = _shop(store, args.shop)
    if args.similar is not None:
        norm = normalize_text(args.similar)
        match = [s for s in store.similars(shop_id=shop.id) if normalize_text(s.text) == norm]
        if not match:
            raise NotFoundError(f"no similar question '{args.similar}' in shop '{shop.name}'")
        store.delete_similar(match[0].id)
        print("removed similar question")
    else:
        sq = _find_standard(store, shop, args.standard)
        store.delete_standard(sq.id)
        print(f"removed standard question '{sq.text}' and its similar questions")
    return 0


def _train_config(args, store=None, shop=None):
    """The shop's training settings (as the GUI's settings dialog stores them), then the options."""
    from .core.config import TrainConfig
    from .core.prepare import shop_train_config

    options = {k: getattr(args, k) for k in ("loss", "epochs", "margin", "scale", "base_model", "seed")
               if getattr(args, k, None) is not None}
    base = shop_train_config(store, shop.id).to_dict() if store is not None else {}
    if "loss" in options and "margin" not in options:
        base["margin"] = None  # another loss: its own default margin, not the stored loss's
    return TrainConfig.from_dict({**base, **options})


def _run_retrain(store, shop, config, quiet=False):
    from .core.pipeline import retrain

    reporter = TqdmReporter(quiet=quiet)
    try:
        return retrain(store, shop.id, config, reporter)
    finally:
        reporter.close()


def cmd_train(args) -> int:
    store = _store(args)
    shop = _shop(store, args.shop)
    result = _run_retrain(store, shop, _train_config(args, store, shop))
    m = result.version.metrics
    print(f"model v{result.version.id} active: validation top-1 {_fmt(result.val_top1_before)} untuned -> "
          f"{_fmt(result.val_top1_after)} fine-tuned ({m.get('runtime_variant')}), {result.seconds:.0f} s")
    return 0


def _fmt(x) -> str:
    return "n/a" if x is None or x != x else f"{x:.3f}"


def _matcher(store, shop, quiet=False):
    from .core.matcher import Matcher, NoModelError
    from .core.pipeline import ensure_model

    if store.active_version(shop.id) is None:
        if not store.index_entries(shop.id):
            raise NoModelError(f"shop '{shop.name}' has no enabled questions yet: import or add some first")
        reporter = TqdmReporter(quiet=quiet)
        try:
            ensure_model(store, shop.id, reporter)  # the untuned base encoder answers until trained
        finally:
            reporter.close()
    return Matcher.open(store, shop.id)


def cmd_query(args) -> int:
    store = _store(args)
    shop = _shop(store, args.shop)
    matcher = _matcher(store, shop, quiet=args.json)
    result = matcher.query(args.text, k=args.k)
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"{result.decision}  ({result.latency_ms:.1f} ms, model v{result.model_version})")
    if result.twin:
        print("  the top two hold the same similar question: suggested, not answered (see `standardq doctor`)")
    for m in result.matches:
        print(f"  {m.score:.3f}  {m.standard_question}  [{m.category}]")
    return 0


def cmd_predict(args) -> int:
    store = _store(args)
    shop = _shop(store, args.shop)
    try:
        lines = Path(args.input).read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        lines = Path(args.input).read_text(encoding="gb18030").splitlines()
    matcher = _matcher(store, shop)
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
    store = _store(args)
    shop = _shop(store, args.shop)
    for v in store.versions(shop.id):
        m = v.metrics
        top1 = m.get("val_top1_" + v.params.get("runtime_variant", "float32"), m.get("loo_top1"))
        print(f"v{v.id}\t{'*' if v.active else ' '}\t{v.status}\t{v.loss}\t{v.created_at}\t"
              f"top-1 {_fmt(top1)}\t{'files removed' if v.files_removed else ''}")
    return 0


def cmd_activate(args) -> int:
    from .core.pipeline import activate

    store = _store(args)
    shop = _shop(store, args.shop)
    version = store.version(args.version)
    if version.shop_id != shop.id:
        raise CliError(f"model version {args.version} does not belong to shop '{shop.name}'")
    activate(store, version.id, TqdmReporter())
    print(f"model v{version.id} active")
    return 0


def ensure_demo_shop(store):
    """The demo shop, created from resources/demo_shop if absent: (shop, import report or None)."""
    from .core.io_formats import read_rows

    if any(s.name == DEMO_SHOP for s in store.shops()):
        return store.shop(DEMO_SHOP), None
    shop = store.create_shop(DEMO_SHOP)
    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    return shop, store.import_rows(shop.id, rows)


def cmd_demo(args) -> int:
    store = _store(args)
    shop, report = ensure_demo_shop(store)
    if report is not None:
        print(f"created demo shop '{DEMO_SHOP}': {report.added_standard} standard questions, "
              f"{report.added_similar} similar questions")
    samples = list(csv.DictReader(resource("demo_shop", "sample_queries.csv").open(encoding="utf-8")))
    before = _demo_answers(_matcher(store, shop), samples)
    config = _train_config(args, store, shop)
    result = _run_retrain(store, shop, config)
    after = _demo_answers(_matcher(store, shop), samples, show=True)
    print(f"\nvalidation top-1: {_fmt(result.val_top1_before)} untuned -> {_fmt(result.val_top1_after)} fine-tuned; "
          f"sample questions right: {before}/{len(samples)} untuned -> {after}/{len(samples)} fine-tuned; "
          f"training + export + index {result.seconds:.0f} s")
    return 0


def cmd_gui(args) -> int:
    from .gui.app import run_gui  # Qt is imported only here: the other commands never load it

    return run_gui(args.home, screenshot=args.screenshot, demo=getattr(args, "demo", False))


def _demo_answers(matcher, samples, show=False) -> int:
    right = 0
    for row in samples:
        r = matcher.query(row["query"], k=3)
        top = r.matches[0] if r.matches else None
        expected = row.get("expected") or ""
        got = top.standard_question if top and r.decision != "no_match" else ""
        ok = got == expected
        right += ok
        if show:
            mark = "✓" if ok else "✗"
            shown = f"{top.score:.3f} {top.standard_question}" if top else "-"
            print(f"{mark} {row['query']}  ->  {r.decision}: {shown}  ({r.latency_ms:.1f} ms)")
    return right


# ----------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="standardq", description="Match consumer questions to a shop's standard questions.")
    p.add_argument("--home", help="data directory (default: $STANDARDQ_HOME or the user data dir)")
    p.add_argument("--version", action="version", version=f"standardq {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("shop", help="create, list or delete shops")
    s.add_argument("action", choices=["create", "list", "delete"])
    s.add_argument("name", nargs="?")
    s.add_argument("--yes", action="store_true", help="confirm deletion")
    s.add_argument("--base-model", dest="base_model",
                   help="base encoder of a new shop: bundled:multilingual-e5-small (default), a folder or a hub id")
    s.set_defaults(func=cmd_shop)

    s = sub.add_parser("import", help="import questions from CSV / XLSX / JSON")
    s.add_argument("--shop", required=True)
    s.add_argument("--skip-conflicts", action="store_true", help="leave conflicting rows out instead of aborting")
    s.add_argument("--create", action="store_true", help="create the shop if it does not exist")
    s.add_argument("file")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="export a shop to CSV / XLSX / JSON")
    s.add_argument("--shop", required=True)
    s.add_argument("file")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("list", help="list standard questions")
    s.add_argument("--shop", required=True)
    s.add_argument("--similar", action="store_true", help="also list similar questions")
    s.add_argument("--search")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("add", help="add a standard question, or a similar question to one")
    s.add_argument("--shop", required=True)
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--standard", help="text of a new standard question")
    g.add_argument("--similar", help="text of a new similar question (with --to)")
    s.add_argument("--to", help="the standard question a similar question belongs to")
    s.add_argument("--category")
    s.add_argument("--answer")
    s.set_defaults(func=cmd_add)

    s = sub.add_parser("remove", help="remove a standard question (with its similar questions) or a similar question")
    s.add_argument("--shop", required=True)
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--standard")
    g.add_argument("--similar")
    s.set_defaults(func=cmd_remove)

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

    s = sub.add_parser("gui", help="open the desktop application (the default without a command)")
    s.add_argument("--screenshot", metavar="FILE",
                   help="render the main window with the demo shop offscreen to FILE (.png) and exit")
    s.add_argument("--demo", action="store_true", help="open on the demo shop (created if absent)")
    s.set_defaults(func=cmd_gui)

    s = sub.add_parser("activate", help="activate an older model version (rollback)")
    s.add_argument("--shop", required=True)
    s.add_argument("version", type=int)
    s.set_defaults(func=cmd_activate)

    from .cli_augment import add_augment_commands  # augment / review live in their own module
    from .cli_eval import add_eval_commands  # eval / testset / thresholds / doctor too

    add_augment_commands(sub)
    add_eval_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):  # plain `standardq` opens the desktop application
        args.command, args.func, args.screenshot, args.demo = "gui", cmd_gui, None, False
    if args.command == "shop" and args.action in ("create", "delete") and not args.name:
        parser.error("shop create/delete needs a NAME")
    from .core.encoders import EncoderError
    from .core.io_formats import FileFormatError
    from .core.reporter import Cancelled
    from .core.store import StoreError

    try:
        return args.func(args)
    except (CliError, StoreError, FileFormatError, EncoderError, ValueError, OSError) as exc:
        print(f"standardq: error: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Cancelled):
        print("standardq: cancelled; the previously active model is unchanged", file=sys.stderr)
        return 130
