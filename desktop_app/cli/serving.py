"""`standardq serve`, `log`, `stats`: the local matching API and what it recorded."""

from __future__ import annotations

import time
from pathlib import Path

from ..paths import data_dir
from .common import CliError, open_shop, print_json


def add_serving_commands(sub) -> None:
    s = sub.add_parser("serve", help="serve the matching API (HTTP, JSON) for the shop chat system")
    s.add_argument("--host", help="address to bind (default 127.0.0.1, or the saved setting)")
    s.add_argument("--port", type=int, help="port (default 8765, or the saved setting)")
    s.add_argument("--allow-remote", action="store_true",
                   help="allow binding to an address other computers can reach")
    s.add_argument("--log-db", help="write the query log to this SQLite file (default: the data directory's)")
    s.add_argument("--bundle", help="serve this read-only model folder (standardq export-model) instead of the "
                                    "data directory's shops")
    s.add_argument("--show-token", action="store_true", help="print the API token and exit")
    s.add_argument("--new-token", action="store_true", help="replace the API token, print it and exit")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("export-model", help="write the shop's active model as a read-only folder "
                                            "(ONNX encoder, tokenizer, index, thresholds, manifest)")
    s.add_argument("--shop", required=True)
    s.add_argument("--out", required=True, help="a new (or empty) folder")
    s.set_defaults(func=cmd_export_model)

    s = sub.add_parser("log", help="list served queries (the query log)")
    s.add_argument("--shop", required=True)
    s.add_argument("--since", default="7d", help="7d, 12h, 30m, a date 2026-12-01, or '' for all (default 7d)")
    s.add_argument("--limit", type=int, default=100)
    s.add_argument("--json", action="store_true")
    s.add_argument("--log-db", help="the query log's SQLite file (default: the data directory's)")
    s.set_defaults(func=cmd_log)

    s = sub.add_parser("log-merge", help="copy the rows of other query-log files (workers' --log-db) into this one")
    s.add_argument("files", nargs="+")
    s.add_argument("--log-db", help="the query log to merge into (default: the data directory's)")
    s.set_defaults(func=cmd_log_merge)

    s = sub.add_parser("stats", help="hits per standard question, answer rates, latency, unmatched texts")
    s.add_argument("--shop", required=True)
    s.add_argument("--since", default="30d", help="as for `log` (default 30d)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--log-db", help="the query log's SQLite file (default: the data directory's)")
    s.set_defaults(func=cmd_stats)


def _log_path(args) -> Path:
    from ..core.querylog import FILE_NAME

    return Path(args.log_db) if args.log_db else data_dir(args.home) / FILE_NAME


def cmd_serve(args) -> int:
    from ..server.run import RemoteRefused, serve
    from ..server.token import api_token, new_token

    if args.show_token or args.new_token:
        print(new_token() if args.new_token else api_token())
        return 0
    home = data_dir(args.home)

    def ready(host, port):
        print(f"StandardQ API on http://{host}:{port}  (OpenAPI page: /docs; token: standardq serve --show-token)",
              flush=True)

    try:
        serve(home, host=args.host, port=args.port, allow_remote=args.allow_remote,
              log_db=Path(args.log_db) if args.log_db else None, bundle=Path(args.bundle) if args.bundle else None,
              on_ready=ready)
    except RemoteRefused as exc:
        raise CliError(str(exc)) from None
    return 0


def cmd_export_model(args) -> int:
    from ..core.model_bundle import export_bundle, read_manifest

    store, shop = open_shop(args)
    out = export_bundle(store, shop.id, Path(args.out))
    manifest = read_manifest(out, verify=False)
    size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
    print(f"{out}: model version {manifest['model_version']} ({manifest['variant']}), "
          f"{len(manifest['files'])} files, {size:.0f} MB; serve it with: standardq serve --bundle {out}")
    return 0


def _shop_and_log(args):
    """The shop named by --shop, and the existing query log (an error when none was written yet)."""
    from ..core.querylog import QueryLog

    store, shop = open_shop(args)
    path = _log_path(args)
    if not path.exists():
        raise CliError(f"no query log yet at {path}: it is written by `standardq serve`")
    return store, shop, QueryLog(path)


def cmd_log(args) -> int:
    from ..core.querystats import parse_since

    store, shop, log = _shop_and_log(args)
    rows = log.rows(shop.id, since=parse_since(args.since), limit=args.limit)
    lookup = store.standard_lookup(shop.id)
    if args.json:
        out = []
        for r in rows:
            d = r.to_dict()
            for t in d["top"]:
                t["standard_question"] = lookup.get(t["id"], {}).get("text")
            out.append(d)
        print_json(out)
        return 0
    for r in rows:
        top = f"{r.top[0][1]:.3f} {lookup.get(r.top[0][0], {}).get('text', '(deleted)')}" if r.top else "-"
        when = time.strftime("%m-%d %H:%M:%S", time.localtime(r.ts))
        print(f"{when}  {r.decision:<8}  {r.text[:40]:<40}  {top}")
    print(f"{len(rows)} queries")
    return 0


def cmd_log_merge(args) -> int:
    from ..core.querylog import QueryLog

    log = QueryLog(_log_path(args))
    for name in args.files:
        print(f"{name}: {log.merge_from(Path(name))} new rows")
    return 0


def cmd_stats(args) -> int:
    from ..core.querystats import parse_since, shop_stats

    store, shop, log = _shop_and_log(args)
    stats = shop_stats(log, shop.id, store.standard_lookup(shop.id), since=parse_since(args.since))
    if args.json:
        print_json(stats, indent=1)
        return 0
    lat = stats["latency_ms"]
    print(f"{stats['queries']} queries since {stats['since'] or 'the start'}: answered {stats['answer_rate']:.1%}, "
          f"suggested {stats['suggest_rate']:.1%}, no match {stats['no_match_rate']:.1%}; "
          f"latency p50 {lat['p50']} ms, p99 {lat['p99']} ms")
    print("most hit:")
    for h in stats["hits"][:10]:
        print(f"  {h['answered']:>5} answered {h['suggested']:>5} suggested {h['chosen']:>4} chosen  "
              f"{h['standard_question']}")
    print(f"never hit: {len(stats['never_hit'])} standard questions")
    for h in stats["never_hit"][:10]:
        print(f"  {h['standard_question']}")
    print("most frequent unmatched:")
    for u in stats["unmatched"][:10]:
        print(f"  {u['count']:>5}  {u['decision']:<8}  {u['text']}")
    return 0
