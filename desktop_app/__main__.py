"""Entry point: `standardq` / `python -m desktop_app`: the desktop application or a command."""

from __future__ import annotations

import logging
import sys


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from .cli import parse, run

    args, _ = parse(sys.argv[1:] if argv is None else argv)
    if args.command == "gui":
        from .gui.app import run_gui  # Qt is imported only here: the commands never load it

        return run_gui(args.home, screenshot=args.screenshot, demo=args.demo)
    return run(args)


if __name__ == "__main__":  # PyInstaller runs this module as a script
    sys.exit(main())
