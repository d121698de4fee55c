"""API keys for the LLM providers: the system keyring, or else a file only the user can read.

A key is stored under a name (a preset such as 'deepseek', or a base URL). It never goes into the
shop database, so an export or a backup of the store cannot carry it, and it is never logged:
callers show it as `mask(key)` ('sk-…abcd').
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

SERVICE = "StandardQ LLM"
FILE_NAME = "llm_keys.json"


def mask(key: str | None) -> str:
    """'sk-…abcd': enough to tell keys apart, not enough to use one."""
    if not key:
        return "(none)"
    if len(key) <= 8:
        return "…" + key[-2:]
    prefix = key[:3] if key[2:3] == "-" else ""
    return f"{prefix}…{key[-4:]}"


def config_dir() -> Path:
    """$STANDARDQ_CONFIG, else the platform's user config dir."""
    env = os.environ.get("STANDARDQ_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("StandardQ", appauthor=False))


def _keyring():
    """The keyring backend when a usable one exists (not the fail / null ones a headless box gets)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def _file() -> Path:
    return config_dir() / FILE_NAME


def _read_file() -> dict:
    try:
        return json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_file(data: dict) -> None:
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # Created 0600 from the start (no window where others can read it); chmod again for an old file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
    os.replace(tmp, path)


def store_key(name: str, key: str) -> str:
    """Save a key; returns where it went ('the system keyring' or the file's path)."""
    key = (key or "").strip()
    if not key:
        raise ValueError("the API key is empty")
    backend = _keyring()
    if backend is not None:
        try:
            backend.set_password(SERVICE, name, key)
            _drop_from_file(name)  # one place per key
            return "the system keyring"
        except Exception as exc:  # a locked or broken keyring: fall back to the file
            log.warning("system keyring unusable (%s); using a private file", type(exc).__name__)
    data = _read_file()
    data[name] = key
    _write_file(data)
    return str(_file())


def load_key(name: str) -> str | None:
    backend = _keyring()
    if backend is not None:
        try:
            key = backend.get_password(SERVICE, name)
            if key:
                return key
        except Exception as exc:
            log.warning("system keyring unusable (%s)", type(exc).__name__)
    return _read_file().get(name) or None


def delete_key(name: str) -> bool:
    found = False
    backend = _keyring()
    if backend is not None:
        try:
            backend.delete_password(SERVICE, name)
            found = True
        except Exception:
            pass
    return _drop_from_file(name) or found


def _drop_from_file(name: str) -> bool:
    data = _read_file()
    if name in data:
        del data[name]
        _write_file(data)
        return True
    return False
