"""`standardq eval`, `testset`, `thresholds` and `doctor`: how well a shop's model matches, on what,
with which decision thresholds, and what in the data to fix first."""

from __future__ import annotations

import sys

from .common import CliError, TqdmReporter, find_standard, fmt, open_shop, print_json


def add_eval_commands(sub) -> None:
    s = sub.add_parser("eval", help="evaluation report of the active model (held-out and 'none' questions)")
    s.add_argument("--shop", required=True)
    s.add_argument("--test", metavar="FILE", help="score these labelled questions instead (query / expected "
                   "columns; an empty expected means it must match nothing)")
    s.add_argument("--json", action="store_true", help="print the whole report as JSON")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("testset", help="the shop's held-out test questions (never trained on)")
    s.add_argument("--shop", required=True)
    g = s.add_mutually_exclusive_group()
    g.add_argument("--import", dest="import_file", metavar="FILE", help="add labelled questions from a file")
    g.add_argument("--add", metavar="TEXT", help="add one question (with --expect or --none)")
    g.add_argument("--clear", action="store_true", help="remove all test questions")
    s.add_argument("--expect", metavar="STANDARD", help="the standard question it must match")
    s.add_argument("--none", action="store_true", help="it must match no standard question")
    s.set_defaults(func=cmd_testset)

    s = sub.add_parser("thresholds", help="show the decision thresholds, or override them by hand")
    s.add_argument("--shop", required=True)
    s.add_argument("--answer", type=float)
    s.add_argument("--suggest", type=float)
    s.add_argument("--margin", type=float, help="answer only when top-1 leads the second by this much")
    s.add_argument("--reset", action="store_true", help="back to the calibrated thresholds")
    s.add_argument("--recalibrate", action="store_true",
                   help="calibrate the active model's thresholds again, for the traffic the query log shows now "
                        "(no retraining)")
    s.set_defaults(func=cmd_thresholds)

    s = sub.add_parser("doctor", help="list what in the shop's questions to fix before training")
    s.add_argument("--shop", required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_doctor)


# ----------------------------------------------------------------------------- eval
def cmd_eval(args) -> int:
    from ..core.services.quality import evaluate_version, labelled_questions

    store, shop = open_shop(args)
    extra = labelled_questions(store, shop.id, args.test) if args.test else None
    reporter = TqdmReporter()
    try:
        report = evaluate_version(store, shop.id, extra_questions=extra, reporter=reporter)
    finally:
        reporter.close()
    if args.json:
        print_json(report, indent=2)
        return 0
    print_report(report)
    return 0


def print_report(r: dict) -> None:
    held = r["held_out"]
    print(f"model v{r['version']} · in-scope questions: {held['n_in_scope']} ({held['in_scope']}) · "
          f"'none' questions: {held['n_none_calibration']} to calibrate, {held['n_none_report']} to report"
          + (f" ({held['builtin_none']} built in)" if held.get("builtin_none") else ""))
    print()
    print(f"{'model':<12}{'rule':<10}{'top-1':>8}{'top-3':>8}{'MRR':>8}")
    for name, block in r["models"].items():
        for rule in ("best", "centroid"):
            m = block[rule]
            print(f"{name:<12}{rule:<10}{fmt(m.get('top1')):>8}{fmt(m.get('top3')):>8}{fmt(m.get('mrr')):>8}")
    t = r["thresholds"]
    o = r["models"][r["main"]]["on_report_half"]
    print()
    guard = t.get("guard")
    guard = f", {guard} over the nearest off-topic message" if guard is not None and guard > -1 else ""
    print(f"thresholds: answer >= {t['answer']} with a lead of {t.get('margin', 0)}{guard}; suggest >= {t['suggest']}")
    print(f"on the report half: precision {fmt(o['precision'])}, in-scope answered {fmt(o['coverage'])}, "
          f"'none' answered {fmt(o['none_answered'])}")
    if o.get("precision_at_ratio") is not None:
        print(f"with {o.get('offtopic_ratio', 10):.3g} off-topic messages per in-scope one (real chat traffic): "
              f"precision {fmt(o['precision_at_ratio'])}")
    if r.get("traffic_mix"):
        print(f"traffic mix calibrated for: {r['traffic_mix']['text']}")
    if t.get("note"):
        print(f"note: {t['note']}")
    if r.get("offtopic_answered"):
        print("off-topic messages these thresholds would answer (calibration half, most confident first):")
        for o in r["offtopic_answered"]:
            print(f"  {o['score']:.3f}  {o['text']}  ->  {o['standard']}")
    open_set = r.get("open_set")
    if open_set and open_set.get("n_questions"):
        parts = ", ".join(f"{name} {fmt(open_set[name].get('top1'))}" for name in r["models"] if name in open_set)
        print(f"standard questions added after training: {open_set['n_classes']} "
              f"({open_set['n_questions']} questions): top-1 {parts}")
    if r["confused"]:
        print("\nmost confused (expected -> matched):")
        for c in r["confused"][:5]:
            print(f"  {c['count']}×  {c['expected']}  ->  {c['predicted']}")


# ----------------------------------------------------------------------------- test set
def cmd_testset(args) -> int:
    store, shop = open_shop(args)
    if args.import_file:
        from ..core.io_formats import read_batch_file

        queries, expected = read_batch_file(args.import_file)
        if expected is None:
            raise CliError(f"{args.import_file} has no expected column (query / expected, or 问题 / 标准问)")
        n = store.import_test_questions(shop.id, [(q, e or None) for q, e in zip(queries, expected)])
        print(f"{n} test questions imported")
    elif args.add:
        if args.none == bool(args.expect):
            raise CliError("--add needs either --expect STANDARD or --none")
        sid = find_standard(store, shop, args.expect).id if args.expect else None
        store.add_test_question(shop.id, args.add, sid)
        print("test question added")
    elif args.clear:
        print(f"{store.delete_test_questions(shop.id)} test questions removed")
    names = {sq.id: sq.text for sq in store.standards(shop.id)}
    tests = store.test_questions(shop.id)
    if not (args.import_file or args.add or args.clear):
        for t in tests:
            print(f"{t.id}\t{t.text}\t{names.get(t.expected_id, '(none)') if t.expected_id else '(none)'}\t{t.source}")
    n_none = sum(1 for t in tests if t.expected_id is None)
    print(f"{len(tests)} test questions ({len(tests) - n_none} in scope, {n_none} that must match nothing)",
          file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------- thresholds
def cmd_thresholds(args) -> int:
    from ..core.matcher import effective_thresholds
    from ..core.shop_settings import set_thresholds

    store, shop = open_shop(args)
    if args.recalibrate:
        from ..core.pipeline import recalibrate

        reporter = TqdmReporter()
        try:
            version = recalibrate(store, shop.id, reporter)
        finally:
            reporter.close()
        print(f"traffic mix: {version.metrics['report']['traffic_mix']['text']}")
    if args.reset:
        set_thresholds(store, shop.id, answer=None, suggest=None, margin=None)
    elif any(v is not None for v in (args.answer, args.suggest, args.margin)):
        set_thresholds(store, shop.id, **{k: v for k, v in (("answer", args.answer), ("suggest", args.suggest),
                                                                     ("margin", args.margin)) if v is not None})
    version = store.active_version(shop.id)
    if version is None:
        raise CliError(f"shop '{shop.name}' has no model yet")
    t = effective_thresholds(store, shop.id, version)
    print(f"answer >= {t.get('answer')}  (lead over the second >= {t.get('margin', 0)})\nsuggest >= {t.get('suggest')}")
    method = t.get("method", "")
    print(f"set by hand: {', '.join(t['overridden'])}" if t.get("overridden") else
          method if method.startswith("calibrated") else f"calibrated: {method}")
    return 0


# ----------------------------------------------------------------------------- doctor
def cmd_doctor(args) -> int:
    from ..core.doctor import summary
    from ..core.services.quality import run_doctor

    store, shop = open_shop(args)
    findings, with_model = run_doctor(store, shop.id)
    if not with_model:
        print("no model yet: only the text checks ran", file=sys.stderr)
    if args.json:
        print_json([f.to_dict() for f in findings], indent=2)
        return 0
    for f in findings:
        print(f"{f.severity:<8}{f.kind:<18}{f.message}")
    counts = summary(findings)
    print(f"{counts['problem']} problems, {counts['warning']} warnings, {counts['info']} notes", file=sys.stderr)
    return 0
