"""What every group of commands shares: the progress bars, the error type, the shop look-ups."""

from __future__ import annotations

import json
import sys

from ..core.reporter import Reporter
from ..paths import data_dir


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
    """A mistake in the command's arguments: printed as one line, exit code 1."""


def open_store(args):
    from ..core.store import Store

    return Store(data_dir(args.home))


def get_shop(store, name):
    return store.shop(name)


def open_shop(args):
    """The store and the shop named by --shop (what most commands start with)."""
    store = open_store(args)
    return store, get_shop(store, args.shop)


def find_standard(store, shop, text):
    from ..core.store import NotFoundError

    sq = store.find_standard(shop.id, text)
    if sq is None:
        raise NotFoundError(f"no standard question '{text}' in shop '{shop.name}'")
    return sq


def open_matcher(store, shop, quiet: bool = False):
    """The shop's matcher; a shop without a model first gets its untuned one (with progress bars)."""
    from ..core.services.matching import open_matcher as open_shop_matcher

    reporter = TqdmReporter(quiet=quiet)
    try:
        return open_shop_matcher(store, shop.id, reporter)
    finally:
        reporter.close()


def print_json(obj, indent=None) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=indent))


def fmt(x) -> str:
    return "n/a" if x is None or x != x else f"{x:.3f}"
