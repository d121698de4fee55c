"""`standardq` command line: thin commands over the core, one module per group of commands.

Errors are one line on stderr. The `gui` command is declared here, so `standardq --help` lists
it, but run by `desktop_app.__main__`: the command line never imports the GUI.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..core.demo import DEMO_SHOP, ensure_demo_shop  # noqa: F401 - for bench/ and scripts/
from .augment import add_augment_commands
from .common import CliError, TqdmReporter  # noqa: F401 - shared with bench/
from .evaluate import add_eval_commands
from .inbox import add_inbox_commands
from .models import add_activate_command, add_model_commands
from .negatives import add_negatives_commands
from .serving import add_serving_commands
from .shops import add_shop_commands


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="standardq", description="Match consumer questions to a shop's standard questions.")
    p.add_argument("--home", help="data directory (default: $STANDARDQ_HOME or the user data dir)")
    p.add_argument("--version", action="version", version=f"standardq {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    add_shop_commands(sub)
    add_model_commands(sub)

    s = sub.add_parser("gui", help="open the desktop application (the default without a command)")
    s.add_argument("--screenshot", metavar="FILE",
                   help="render the main window with the demo shop offscreen to FILE (.png) and exit")
    s.add_argument("--demo", action="store_true", help="open on the demo shop (created if absent)")
    s.set_defaults(func=None)

    add_activate_command(sub)
    add_augment_commands(sub)
    add_eval_commands(sub)
    add_serving_commands(sub)
    add_negatives_commands(sub)
    add_inbox_commands(sub)
    return p


def parse(argv: list[str]) -> tuple[argparse.Namespace, argparse.ArgumentParser]:
    """The parsed command; without one it is `gui` (what plain `standardq` opens)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        args.command, args.func, args.screenshot, args.demo = "gui", None, None, False
    if args.command == "shop" and args.action in ("create", "delete") and not args.name:
        parser.error("shop create/delete needs a NAME")
    return args, parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed command-line command; errors become one line on stderr and an exit code."""
    from ..core.encoders import EncoderError
    from ..core.io_formats import FileFormatError
    from ..core.reporter import Cancelled
    from ..core.store import StoreError

    if args.func is None:
        print("standardq: error: the desktop application is opened by `standardq gui`", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except (CliError, StoreError, FileFormatError, EncoderError, ValueError, OSError) as exc:
        print(f"standardq: error: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Cancelled):
        print("standardq: cancelled; the previously active model is unchanged", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    """The command-line commands alone (`gui` is for `desktop_app.__main__`)."""
    args, _ = parse(sys.argv[1:] if argv is None else argv)
    return run(args)
