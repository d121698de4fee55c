"""Settings of the local matching API, per data directory (`serve.json` beside the store).

One validated object with one update path, like the shop settings: unknown keys are rejected, a
default is not written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

FILE_NAME = "serve.json"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    mask_log: bool = True  # personal data masked in the query log (core/masking.py)
    retention_days: int = 180  # query-log rows older than this are deleted
    keep_running: bool = False  # the GUI leaves the server running when it closes

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host.strip():
            raise ValueError("the host is empty")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 1 <= self.port <= 65535:
            raise ValueError(f"the port must be a number from 1 to 65535, got {self.port!r}")
        if not isinstance(self.mask_log, bool) or not isinstance(self.keep_running, bool):
            raise ValueError("mask_log and keep_running are true or false")
        if isinstance(self.retention_days, bool) or not isinstance(self.retention_days, int) \
                or not 1 <= self.retention_days <= 3650:
            raise ValueError(f"retention_days must be from 1 to 3650, got {self.retention_days!r}")

    def to_dict(self) -> dict:
        default = ServeSettings()
        return {k: v for k, v in asdict(self).items() if getattr(default, k) != v}

    @classmethod
    def from_dict(cls, data: dict) -> "ServeSettings":
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown serve settings: {', '.join(sorted(unknown))}")
        return cls(**data)


def load(home: Path) -> ServeSettings:
    path = Path(home) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ServeSettings()
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is not readable settings ({exc}); fix or delete it") from None
    return ServeSettings.from_dict(data)


def update(home: Path, **changes) -> ServeSettings:
    settings = replace(load(home), **changes)
    path = Path(home) / FILE_NAME
    tmp = path.with_name(f"{FILE_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(settings.to_dict(), indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return settings
