"""`standardq shop`, `import`, `export`, `list`, `add`, `remove`: shops and their questions."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import CliError, find_standard, get_shop, open_shop, open_store, print_json


def add_shop_commands(sub) -> None:
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


def cmd_shop(args) -> int:
    store = open_store(args)
    if args.action == "create":
        shop = store.create_shop(args.name)
        if args.base_model:
            from ..core.shop_settings import update_settings

            update_settings(store, shop.id, base_model=args.base_model)
        print(f"created shop '{shop.name}'")
    elif args.action == "list":
        for shop in store.shops():
            n = len(store.standards(shop.id))
            active = store.active_version(shop.id)
            print(f"{shop.name}\t{n} standard questions\tmodel v{active.id if active else '-'}")
    elif args.action == "delete":
        from ..core.services.shops import delete_shop

        shop = get_shop(store, args.name)
        if not args.yes:
            raise CliError(f"deleting shop '{shop.name}' removes all its questions: add --yes to confirm")
        delete_shop(store, shop.id)
        print(f"deleted shop '{shop.name}'")
    return 0


def cmd_import(args) -> int:
    from ..core.io_formats import read_rows

    store = open_store(args)
    if args.create and not any(s.name == args.shop for s in store.shops()):
        store.create_shop(args.shop)
    shop = get_shop(store, args.shop)
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
    from ..core.io_formats import write_rows

    store, shop = open_shop(args)
    rows = store.export_rows(shop.id)
    write_rows(Path(args.file), rows)
    print(f"exported {len(rows)} rows of '{shop.name}' to {args.file}")
    return 0


def cmd_list(args) -> int:
    store, shop = open_shop(args)
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
        print_json(out)
        return 0
    for sq in items:
        flag = "" if sq.enabled else "  [disabled]"
        print(f"{sq.id}\t{sq.text}\t[{sq.category}]\t{sq.similar_count} similar{flag}")
        if args.similar:
            for s in store.similars(sq.id):
                print(f"\t- {s.text}  ({s.source}, {s.status})")
    return 0


def cmd_add(args) -> int:
    store, shop = open_shop(args)
    if args.similar is not None:
        if not args.to:
            raise CliError("--similar needs --to STANDARD_QUESTION")
        sq = find_standard(store, shop, args.to)
        sim = store.add_similar(sq.id, args.similar, source="manual")
        print(f"added similar question {sim.id} to '{sq.text}'")
    else:
        sq = store.add_standard(shop.id, args.standard, category=args.category or "", answer=args.answer or "")
        print(f"added standard question {sq.id}")
    return 0


def cmd_remove(args) -> int:
    from ..core.normalize import normalize_text
    from ..core.store import NotFoundError

    store, shop = open_shop(args)
    if args.similar is not None:
        norm = normalize_text(args.similar)
        match = [s for s in store.similars(shop_id=shop.id) if normalize_text(s.text) == norm]
        if not match:
            raise NotFoundError(f"no similar question '{args.similar}' in shop '{shop.name}'")
        store.delete_similar(match[0].id)
        print("removed similar question")
    else:
        sq = find_standard(store, shop, args.standard)
        store.delete_standard(sq.id)
        print(f"removed standard question '{sq.text}' and its similar questions")
    return 0
