"""`standardq inbox` (the unanswered questions, grouped, and their fixes) and `standardq log-import`
(a shop chat-log export into the query log)."""

from __future__ import annotations

import argparse
import signal
import time

from .common import CliError, TqdmReporter, open_matcher, open_shop, print_json
from .serving import _log_path

FIXES = ("add", "new", "none", "ignore", "undo", "history")


def _common(p, top: bool) -> None:
    """--shop / --log-db / --json on `inbox` and on each of its commands (either place works)."""
    kw = {} if top else {"default": argparse.SUPPRESS}
    p.add_argument("--shop", required=False, **kw)
    p.add_argument("--log-db", help="the query log's SQLite file (default: the data directory's)", **kw)
    p.add_argument("--json", action="store_true", **kw)


def add_inbox_commands(sub) -> None:
    s = sub.add_parser("inbox", help="questions the model did not answer, grouped, most asked first; and their fixes",
                       description="Without a command: update the groups (new log rows, a new model) and list "
                                   "them. Fix a group with add / new / none / ignore; undo the latest fix with undo.")
    _common(s, True)
    s.add_argument("--limit", type=int, default=20, help="groups listed (default 20; 0: all)")
    s.add_argument("--no-update", action="store_true", help="list the groups as they are, without updating")
    s.add_argument("--regroup", action="store_true", help="group everything again (as after a model change)")
    s.add_argument("--distance", type=float, help="cosine distance under which texts group "
                                                  "(default: from the model's suggest threshold)")
    s.set_defaults(func=cmd_inbox, fix=None)
    fixes = s.add_subparsers(dest="fix", metavar="FIX")

    f = fixes.add_parser("add", help="add the groups' texts as similar questions of a standard question")
    f.add_argument("groups", nargs="+", type=int, metavar="GROUP")
    f.add_argument("--to", required=True, metavar="STANDARD", help="the standard question's id or text")
    _member_options(f)
    f = fixes.add_parser("new", help="make a new standard question from a group (its answer is left to write)")
    f.add_argument("groups", nargs=1, type=int, metavar="GROUP")
    f.add_argument("--text", help="the standard question's text (default: the group's representative)")
    f.add_argument("--category", default="")
    _member_options(f)
    f = fixes.add_parser("none", help="mark the groups' texts as matching nothing (the shop's negatives)")
    f.add_argument("groups", nargs="+", type=int, metavar="GROUP")
    _member_options(f)
    f = fixes.add_parser("ignore", help="take the groups out of the inbox without changing the shop")
    f.add_argument("groups", nargs="+", type=int, metavar="GROUP")
    f.add_argument("--member", action="append", default=[], metavar="TEXT", help="only these texts of the group")
    f = fixes.add_parser("undo", help="undo the latest fix (or --id N)")
    f.add_argument("--id", type=int, help="the fix to undo (see `standardq inbox history`)")
    f = fixes.add_parser("history", help="the latest fixes")
    for name in FIXES:
        _common(fixes.choices[name], False)
        fixes.choices[name].set_defaults(func=cmd_inbox)

    s = sub.add_parser("log-import", help="import a shop chat-log export (.csv/.xlsx): consumer messages are "
                                          "matched and logged, for the inbox and the statistics")
    s.add_argument("file")
    s.add_argument("--shop", required=True)
    s.add_argument("--text-col", help="the message text column (name or 1-based number; default: guessed)")
    s.add_argument("--time-col", help="the time column (default: guessed; 'none' for none)")
    s.add_argument("--sender-col", help="the sender column (default: guessed; 'none' to import every row)")
    s.add_argument("--session-col", help="the session / conversation column (default: guessed; 'none' for none)")
    s.add_argument("--consumer", action="append", metavar="VALUE",
                   help="a sender value that is the consumer, e.g. 买家 (repeat for several; default: guessed)")
    s.add_argument("--no-mask", action="store_true", help="log texts as written (default: as the server's "
                                                          "mask setting, on unless turned off)")
    s.add_argument("--keep-repeats", action="store_true", help="log a text repeated in one session every time")
    s.add_argument("--preview", action="store_true", help="show the guessed mapping and a few rows; import nothing")
    s.add_argument("--log-db", help="the query log's SQLite file (default: the data directory's)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_log_import)


def _member_options(f) -> None:
    f.add_argument("--member", action="append", default=[], metavar="TEXT", help="only these texts of the group")
    f.add_argument("--hold-back", action="store_true",
                   help="one in five texts goes to the test questions instead (never used for matching)")


def _open_inbox(args, store, shop):
    from ..core.inbox import Inbox
    from ..core.querylog import QueryLog

    return Inbox(store, QueryLog(_log_path(args)), shop.id)


# ----------------------------------------------------------------------------- inbox
def cmd_inbox(args) -> int:
    if not getattr(args, "shop", None):
        raise CliError("--shop is required")
    store, shop = open_shop(args)
    inbox = _open_inbox(args, store, shop)
    try:
        if args.fix is None:
            return _list(args, store, shop, inbox)
        return _fix(args, store, shop, inbox)
    finally:
        inbox.close()


def _list(args, store, shop, inbox) -> int:
    from ..core.inbox_actions import similars_from_inbox_since_training

    matcher = open_matcher(store, shop, quiet=args.json)
    if not args.no_update:
        reporter = TqdmReporter(quiet=args.json)
        try:
            result = inbox.update(matcher, reporter, full=args.regroup, distance=args.distance)
        finally:
            reporter.close()
    groups = inbox.groups(matcher, limit=args.limit or None)
    counts = inbox.counts()
    learnt = similars_from_inbox_since_training(store, shop.id)
    if args.json:
        print_json({"shop": shop.name, "model_version": matcher.version.id, "open": counts.__dict__,
                    "similar_from_log_since_training": learnt, "groups": [g.to_dict() for g in groups]})
        return 0
    if not args.no_update:
        what = "regrouped" if result.regrouped else "updated"
        print(f"{what} in {result.seconds:.1f} s: {result.new_texts} new texts, {result.encoded} encoded, "
              f"{result.new_groups} new groups, {result.hidden} hidden by earlier fixes")
    print(f"{counts.groups} open groups, {counts.texts} texts, {counts.messages} messages "
          f"(model version {matcher.version.id}); {learnt} similar questions from the log since the model was trained")
    for g in groups:
        tie = "  [near tie]" if g.near_tie else ""
        print(f"\n#{g.id}  {g.count} messages, {len(g.members)} texts{tie}  {g.representative}")
        if g.nearest:
            print("    nearest: " + " | ".join(f"{s.score:.3f} {s.text} (#{s.id})" for s in g.nearest))
        shown = g.members[:6]
        more = f" … +{len(g.members) - len(shown)}" if len(g.members) > len(shown) else ""
        print("    asked:   " + " · ".join(f"{m.count}× {m.text}" for m in shown) + more)
    if groups:
        print("\nfix: standardq inbox add GROUP --to STANDARD | new GROUP | none GROUP | ignore GROUP; "
              "then `standardq inbox undo` to take it back")
    return 0


def _targets(inbox, groups: list[int], members: list[str]):
    if not members:
        return groups
    from ..core.normalize import normalize_text

    if len(groups) != 1:
        raise CliError("--member needs exactly one GROUP")
    return [(groups[0], [normalize_text(m) for m in members])]


def _fix(args, store, shop, inbox) -> int:
    from ..core import inbox_actions as actions

    if args.fix == "history":
        rows = actions.history(inbox)
        if args.json:
            print_json(rows)
            return 0
        for a in rows:
            when = time.strftime("%m-%d %H:%M:%S", time.localtime(a["ts"]))
            state = "  (undone)" if a["undone_ts"] else ""
            print(f"{a['id']:>5}  {when}  {a['kind']:<6}  {len(a['payload'].get('members', []))} texts{state}")
        return 0
    if args.fix == "undo":
        result = actions.undo(inbox, args.id)
    elif args.fix == "add":
        target = _standard(store, shop, args.to)
        result = actions.add_to_standard(inbox, _targets(inbox, args.groups, args.member), target.id,
                                         hold_back=args.hold_back)
    elif args.fix == "new":
        result = actions.new_standard(inbox, _targets(inbox, args.groups, args.member)[0], text=args.text,
                                      category=args.category, hold_back=args.hold_back)
    elif args.fix == "none":
        result = actions.mark_none(inbox, _targets(inbox, args.groups, args.member), hold_back=args.hold_back)
    else:
        result = actions.ignore(inbox, _targets(inbox, args.groups, args.member))
    if args.json:
        print_json(result.__dict__)
        return 0
    print(_describe(store, result))
    for text, why in result.skipped:
        print(f"  skipped: {text}: {why}")
    return 0


def _standard(store, shop, ref: str):
    from ..core.store import NotFoundError

    if ref.strip().isdigit():
        sq = store.standard(int(ref))
        if sq.shop_id != shop.id:
            raise NotFoundError(f"standard question {ref} is not one of shop '{shop.name}''s")
        return sq
    sq = store.find_standard(shop.id, ref)
    if sq is None:
        raise NotFoundError(f"no standard question '{ref}' in shop '{shop.name}'")
    return sq


def _describe(store, r) -> str:
    held = f"; {r.held_back} held back as test questions" if r.held_back else ""
    undo = f" (fix {r.action_id}; undo: standardq inbox undo)"
    if r.kind == "add":
        return f"added {r.done} texts as similar questions of '{store.standard(r.standard_id).text}'{held}{undo}"
    if r.kind == "new":
        return (f"new standard question #{r.standard_id} '{store.standard(r.standard_id).text}' with "
                f"{max(r.done - 1, 0)} similar questions{held}; its answer is still to be written{undo}")
    if r.kind == "none":
        return f"marked {r.done} texts as matching nothing{held}{undo}"
    if r.kind == "ignore":
        return f"ignored {r.done} texts{undo}"
    return f"undid fix {r.action_id}: {r.done} texts are back in the inbox"


# ----------------------------------------------------------------------------- log-import
def _column(table, ref):
    return None if ref is not None and ref.strip().lower() == "none" else table.column(ref)


def cmd_log_import(args) -> int:
    from ..core import serve_settings
    from ..core.chatlog_import import import_chat_log
    from ..core.chatlog_read import ChatMapping, preview, read_chat_table
    from ..core.querylog import QueryLog

    store, shop = open_shop(args)
    table = read_chat_table(args.file)
    guess = preview(table)
    mapping = ChatMapping(**{role: (_column(table, ref) if ref is not None else getattr(guess.mapping, role))
                             for role, ref in (("text", args.text_col), ("time", args.time_col),
                                               ("sender", args.sender_col), ("session", args.session_col))})
    consumer = args.consumer or (guess.consumer_values if mapping.sender == guess.mapping.sender else
                                 [])
    if args.preview:
        return _print_preview(args, table, mapping, consumer)
    if mapping.text is None:
        raise CliError(f"{table.name}: no column looks like the message text; name it with --text-col "
                       f"(columns: {', '.join(table.headers)})")
    if mapping.sender is not None and not consumer:
        values = ", ".join(v for v, _ in table.values(mapping.sender, 10))
        raise CliError(f"{table.name}: which senders are the consumer? Give --consumer VALUE (values: {values}), "
                       f"or --sender-col none to import every row")
    matcher = open_matcher(store, shop, quiet=args.json)
    mask_texts = not args.no_mask and serve_settings.load(store.home).mask_log
    log = QueryLog(_log_path(args))
    reporter = TqdmReporter(quiet=args.json)
    previous = signal.signal(signal.SIGINT, lambda *_: reporter.cancel())  # Ctrl+C: stop after this batch
    try:
        summary = import_chat_log(store, log, matcher, table, mapping, consumer, reporter, mask_texts=mask_texts,
                                  dedup=not args.keep_repeats)
    finally:
        signal.signal(signal.SIGINT, previous)
        reporter.close()
        log.close()
    if args.json:
        print_json(summary.to_dict())
    else:
        d = summary.decisions
        print(f"{summary.file}: {summary.imported} messages logged in {summary.seconds:.1f} s (answered {d['answer']}, "
              f"suggested {d['suggest']}, no match {d['no_match']}); left out: {summary.other_senders} from other "
              f"senders, {summary.repeats} repeats, {summary.empty} empty, {summary.too_long} too long, "
              f"{summary.already} imported before; {summary.masked} masked"
              + (f"; {summary.bad_times} unreadable times (import time used)" if summary.bad_times else ""))
        if summary.cancelled:
            print("cancelled: what was logged is kept; the same command goes on from there")
        else:
            print(f"see them grouped: standardq inbox --shop {shop.name}")
    return 130 if summary.cancelled else 0


def _print_preview(args, table, mapping, consumer) -> int:
    roles = {role: (None if getattr(mapping, role) is None else table.headers[getattr(mapping, role)])
             for role in ("text", "time", "sender", "session")}
    if args.json:
        print_json({"file": table.name, "rows": len(table.rows), "headers": table.headers, "mapping": roles,
                    "sender_values": table.values(mapping.sender, 20), "consumer": consumer,
                    "sample": table.rows[:10]})
        return 0
    print(f"{table.name}: {len(table.rows)} rows; columns: {', '.join(table.headers)}")
    for role, header in roles.items():
        print(f"  {role:<8} {header or '(none)'}")
    if mapping.sender is not None:
        print("  senders: " + ", ".join(f"{v} ({n})" for v, n in table.values(mapping.sender, 10))
              + f"; consumer: {', '.join(consumer) or '(choose with --consumer)'}")
    for row in table.rows[:5]:
        print("  | " + " | ".join(c[:30] for c in row))
    return 0
