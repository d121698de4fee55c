"""`standardq eval`, `testset`, `thresholds` and `doctor`: how well a shop's model matches, on what,
with which decision thresholds, and what in the data to fix first."""

from __future__ import annotations

import json
import sys

from .cli import CliError, TqdmReporter, _find_standard, _fmt, _shop, _store


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
    s.set_defaults(func=cmd_thresholds)

    s = sub.add_parser("doctor", help="list what in the shop's questions to fix before training")
    s.add_argument("--shop", required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_doctor)


# ----------------------------------------------------------------------------- eval
def cmd_eval(args) -> int:
    from .core.matcher import Matcher
    from .core.report import base_encoder_for, build_report

    store = _store(args)
    shop = _shop(store, args.shop)
    matcher = Matcher.open(store, shop.id)
    version = matcher.version
    extra = None
    if args.test:
        extra = _labelled_file(store, shop, args.test)
    reporter = TqdmReporter()
    try:
        base = base_encoder_for(version, reporter) if version.loss != "none" else None
        report = build_report(store, shop.id, version, matcher, base_encoder=base, reporter=reporter,
                              extra_questions=extra)
    finally:
        reporter.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print_report(report)
    return 0


def _labelled_file(store, shop, path):
    from .core.normalize import normalize_text
    from .core.prepare import read_batch_file
    from .core.report import Questions

    queries, expected = read_batch_file(path)
    if expected is None:
        raise CliError(f"{path} has no expected column: --test needs the right standard question per line "
                       "(an empty cell for a question that must match nothing)")
    q = Questions(origin=f"file {path}")
    for i, (text, exp) in enumerate(zip(queries, expected), 2):
        sid = None
        if exp:
            sq = store.find_standard(shop.id, exp)
            if sq is None:
                raise CliError(f"{path}, row {i}, column expected: no standard question '{exp}' in shop '{shop.name}'")
            sid = sq.id
        q.add(normalize_text(text), sid)
    return q


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
            print(f"{name:<12}{rule:<10}{_fmt(m.get('top1')):>8}{_fmt(m.get('top3')):>8}{_fmt(m.get('mrr')):>8}")
    t = r["thresholds"]
    o = r["models"][r["main"]]["on_report_half"]
    print()
    print(f"thresholds: answer >= {t['answer']} with a lead of {t.get('margin', 0)}; suggest >= {t['suggest']}")
    print(f"on the report half: precision {_fmt(o['precision'])}, in-scope answered {_fmt(o['coverage'])}, "
          f"'none' answered {_fmt(o['none_answered'])}")
    if t.get("note"):
        print(f"note: {t['note']}")
    open_set = r.get("open_set")
    if open_set and open_set.get("n_questions"):
        parts = ", ".join(f"{name} {_fmt(open_set[name].get('top1'))}" for name in r["models"] if name in open_set)
        print(f"standard questions added after training: {open_set['n_classes']} "
              f"({open_set['n_questions']} questions): top-1 {parts}")
    if r["confused"]:
        print("\nmost confused (expected -> matched):")
        for c in r["confused"][:5]:
            print(f"  {c['count']}×  {c['expected']}  ->  {c['predicted']}")


# ----------------------------------------------------------------------------- test set
def cmd_testset(args) -> int:
    store = _store(args)
    shop = _shop(store, args.shop)
    if args.import_file:
        from .core.prepare import read_batch_file

        queries, expected = read_batch_file(args.import_file)
        if expected is None:
            raise CliError(f"{args.import_file} has no expected column (query / expected, or 问题 / 标准问)")
        n = store.import_test_questions(shop.id, [(q, e or None) for q, e in zip(queries, expected)])
        print(f"{n} test questions imported")
    elif args.add:
        if args.none == bool(args.expect):
            raise CliError("--add needs either --expect STANDARD or --none")
        sid = _find_standard(store, shop, args.expect).id if args.expect else None
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
    from .core.matcher import effective_thresholds, set_threshold_override

    store = _store(args)
    shop = _shop(store, args.shop)
    if args.reset:
        set_threshold_override(store, shop.id, answer=None, suggest=None, margin=None)
    elif any(v is not None for v in (args.answer, args.suggest, args.margin)):
        set_threshold_override(store, shop.id, **{k: v for k, v in (("answer", args.answer), ("suggest", args.suggest),
                                                                     ("margin", args.margin)) if v is not None})
    version = store.active_version(shop.id)
    if version is None:
        raise CliError(f"shop '{shop.name}' has no model yet")
    t = effective_thresholds(store, shop.id, version)
    print(f"answer >= {t.get('answer')}  (lead over the second >= {t.get('margin', 0)})\nsuggest >= {t.get('suggest')}")
    print(f"set by hand: {', '.join(t['overridden'])}" if t.get("overridden") else f"calibrated: {t.get('method', '')}")
    return 0


# ----------------------------------------------------------------------------- doctor
def cmd_doctor(args) -> int:
    from .core.doctor import examine, summary
    from .core.matcher import Matcher, NoModelError

    store = _store(args)
    shop = _shop(store, args.shop)
    try:
        matcher = Matcher.open(store, shop.id)
        outliers = matcher.version.metrics.get("outliers") or []
    except NoModelError:
        matcher, outliers = None, []
        print("no model yet: only the text checks ran", file=sys.stderr)
    findings = examine(store, shop.id, matcher, outliers)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
        return 0
    for f in findings:
        print(f"{f.severity:<8}{f.kind:<18}{f.message}")
    counts = summary(findings)
    print(f"{counts['problem']} problems, {counts['warning']} warnings, {counts['info']} notes", file=sys.stderr)
    return 0
