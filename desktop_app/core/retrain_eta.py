"""How far a retrain is and how long it has left, from the stages and steps its reporter gives.

Training is timed by its own steps; what follows it (export, graph fusion, parity check, one or
two int8 quantizations, indexing, evaluation) mostly depends on the encoder's size, not on the
shop's, so it is estimated from the last run's timeline, kept in a small JSON file in the data
directory (`TimelineFile`). No Qt here: the retrain panel shows what `RetrainEta` computes.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Progress before the training steps start (the child's start-up, then embedding the questions).
PRE_TRAIN_FRACTION = {"": 0.01, "rebuild base model": 0.02, "download base model": 0.02, "prepare": 0.04}
# The stages after training before any run was timed: demo shop, e5-small, 2 cores, 22-26 s since
# issue 11 (one export from a filled graph, one quantization; 51-60 s before), most of it the
# off-topic index. A stale default put a first retrain's ETA 30-35 s off (bench/gui_stall.py).
POST_TRAIN_DEFAULT_S = 25.0
TIMELINE_FILE = "retrain_timeline.json"


class RetrainEta:
    """One retrain's clock: its stages as they start, the current stage's steps, the time left
    and a progress fraction that never goes back. Times are `time.monotonic()` seconds."""

    def __init__(self, post_plan: dict | None = None, now: float | None = None) -> None:
        self.t0 = time.monotonic() if now is None else now
        self.post_plan = post_plan  # the last run's timeline after training (see post_timeline)
        self.stage = ""
        self.done = 0
        self.total = -1
        self.stage_times: list[tuple[str, float]] = []  # (stage, start) of this run
        self.train_t0: float | None = None
        self.train_end: float | None = None
        self.fraction = 0.0

    # -- what the reporter says -------------------------------------------------------------
    def on_stage(self, name: str, total: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.stage_times.append((name, now))
        if self.stage == "train" and name != "train":
            self.train_end = now
        self.stage, self.total, self.done = name, total, 0
        if name == "train":
            self.train_t0 = now

    def on_progress(self, done: int, total: int) -> None:
        self.done = done
        if total > 0:
            self.total = total

    # -- estimates ----------------------------------------------------------------------------
    def eta(self, now: float | None = None) -> float | None:
        """Seconds left: the training steps at their measured pace, then the stages after them, as
        long as they took in the last run (POST_TRAIN_DEFAULT_S before any). After training, from
        where the current stage started in that run. None until the first step is done."""
        now = time.monotonic() if now is None else now
        if self.train_t0 is None:
            return None
        plan = self.post_plan or {}
        post_s = float(plan.get("total") or POST_TRAIN_DEFAULT_S)
        if self.stage == "train":
            if self.done < 1 or self.total <= 0:
                return None
            pace = (now - self.train_t0) / self.done
            return pace * (self.total - self.done) + post_s
        key, started = self.current_stage_key()
        offset = (plan.get("offsets") or {}).get(key)
        if offset is not None and started is not None:
            return max(post_s - float(offset) - (now - started), 1.0)
        return max(post_s - (now - (self.train_end or now)), 1.0)

    def advance(self, now: float | None = None, eta: float | None = None) -> float:
        """The progress fraction now (at most 0.99 until `complete`); `eta` if already computed."""
        now = time.monotonic() if now is None else now
        eta = self.eta(now) if eta is None else eta
        if eta is None:
            fraction = PRE_TRAIN_FRACTION.get(self.stage, self.fraction)
        else:
            elapsed = now - self.t0
            fraction = elapsed / (elapsed + eta) if elapsed + eta > 0 else 0.0
        return self.set_fraction(min(fraction, 0.99))

    def set_fraction(self, fraction: float) -> float:
        self.fraction = max(self.fraction, min(1.0, fraction))  # never goes back
        return self.fraction

    def complete(self) -> float:
        return self.set_fraction(1.0)

    # -- the timeline kept for the next run ------------------------------------------------
    def stage_keys(self) -> list[tuple[str, float]]:
        """This run's stages as ("name#k", start): the k-th start of that name (quantize can run twice)."""
        seen: dict[str, int] = {}
        keys = []
        for name, started in self.stage_times:
            seen[name] = seen.get(name, 0) + 1
            keys.append((f"{name}#{seen[name]}", started))
        return keys

    def current_stage_key(self) -> tuple[str, float | None]:
        keys = self.stage_keys()
        return keys[-1] if keys else ("", None)

    def post_timeline(self, end: float | None = None) -> dict | None:
        """This run after training: its length and where each stage started, for the next ETA."""
        end = time.monotonic() if end is None else end
        if self.train_end is None:
            return None
        offsets = {key: round(started - self.train_end, 2) for key, started in self.stage_keys()
                   if started >= self.train_end}
        return {"total": round(end - self.train_end, 2), "offsets": offsets}


class TimelineFile:
    """The last run's timeline after training, per shop and the newest of any shop, in a JSON file
    written by a thread with Python's file calls (they let go of the GIL; QSettings did not)."""

    def __init__(self, home: str | os.PathLike) -> None:
        self.path = Path(home) / TIMELINE_FILE

    def load(self, shop_id) -> dict | None:
        """The shop's last timeline, else the newest of any shop; None when there is none (or the
        file is damaged: it is only an estimate)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        shops = data.get("shops") if isinstance(data.get("shops"), dict) else {}
        for plan in (shops.get(str(shop_id)), data.get("last")):
            try:
                if isinstance(plan, dict) and float(plan.get("total") or 0) > 0:
                    return plan
            except (TypeError, ValueError):
                continue
        return None

    def save(self, shop_id, plan: dict | None) -> threading.Thread | None:
        """Write `plan` as the shop's and the newest timeline from a thread of its own (a write
        at a retrain's end waits for the disk the training child is flushing)."""
        if not plan:
            return None
        thread = threading.Thread(target=self.write, args=(shop_id, plan),
                                  name="save-retrain-timeline")  # not daemon: finishes at exit
        thread.start()
        return thread

    def write(self, shop_id, plan: dict) -> None:
        path = self.path
        try:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            shops = data.get("shops") if isinstance(data, dict) and isinstance(data.get("shops"), dict) else {}
            shops[str(shop_id)] = plan
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps({"last": plan, "shops": shops}), encoding="utf-8")
            os.replace(tmp, path)  # whole or not at all
        except OSError:
            log.warning("could not save the retrain timeline", exc_info=True)
