"""`standardq negatives`: messages marked as matching nothing (the shop's own off-topic examples).

They take effect at the next query, with no retraining: a consumer message that sits as close to
one of them as to its best standard question is not answered (core/offtopic.py).
"""

from __future__ import annotations

from pathlib import Path

from .common import CliError, open_shop, print_json


def add_negatives_commands(sub) -> None:
    s = sub.add_parser("negatives", help="list, add or remove messages that must match nothing")
    actions = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="the shop's negatives")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("add", help="mark messages as matching nothing")
    a.add_argument("texts", nargs="*", help="the messages")
    a.add_argument("--file", help="a text file (UTF-8 or GB18030), one message per line")
    a = actions.add_parser("remove", help="answer them again")
    a.add_argument("texts", nargs="+", metavar="ID", help="ids that `negatives list` shows")
    for a in actions.choices.values():
        a.add_argument("--shop", required=True)
        a.set_defaults(func=cmd_negatives)


def cmd_negatives(args) -> int:
    store, shop = open_shop(args)
    if args.action == "list":
        rows = store.negatives(shop.id)
        if args.json:
            print_json([{"id": n.id, "text": n.text, "source": n.source, "created_at": n.created_at} for n in rows])
        else:
            for n in rows:
                print(f"{n.id}\t{n.text}\t({n.source})")
            print(f"{len(rows)} negatives in '{shop.name}'")
        return 0
    if args.action == "add":
        texts = list(args.texts)
        if args.file:
            from ..core.io_formats import read_text_lines

            texts += [line.strip() for line in read_text_lines(Path(args.file)) if line.strip()]
        if not texts:
            raise CliError("give the messages to mark, or --file")
        added = store.add_negatives(shop.id, texts, source="manual")
        print(f"{len(added)} messages of '{shop.name}' now match nothing (no retraining needed)")
        return 0
    try:
        ids = [int(x) for x in args.texts]
    except ValueError:
        raise CliError("remove takes the ids that `negatives list` shows") from None
    removed = store.delete_negatives(shop.id, ids)
    print(f"{removed} negatives removed")
    return 0
