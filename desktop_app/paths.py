"""Where StandardQ keeps its files: data (per user or --home), model cache, bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "StandardQ"


def data_dir(home: str | os.PathLike | None = None) -> Path:
    """The data directory: --home, else $STANDARDQ_HOME, else the platform's user data dir."""
    if home:
        path = Path(home)
    elif os.environ.get("STANDARDQ_HOME"):
        path = Path(os.environ["STANDARDQ_HOME"])
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Per-user cache for rebuilt base models ($STANDARDQ_CACHE overrides); shared by all data dirs."""
    env = os.environ.get("STANDARDQ_CACHE")
    path = Path(env) if env else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """`resources/` from a source checkout, an installed wheel (package data) or a frozen bundle."""
    if getattr(sys, "frozen", False):  # PyInstaller puts data files under sys._MEIPASS
        return Path(getattr(sys, "_MEIPASS")) / "resources"
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("StandardQ resources folder not found")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
