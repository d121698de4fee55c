"""How much of a shop's real traffic is off-topic: the ratio its thresholds are calibrated for.

calibration.OFFTOPIC_RATIO (ten off-topic messages per in-scope one) is a prior, for a shop that
has no traffic yet. A shop's own log says more: a voice-assistant shop whose consumers mostly ask
its own kind of question was calibrated for ten to one and answered half of what it could
(bench/RESULTS.md, issue 17: 41% of a new topic answered after a retrain). Once the log holds
MIN_MESSAGES consumer messages (served or imported) of the last WINDOW_DAYS, the ratio is
measured from them, message by message (a question asked fifty times counts fifty times):

- in scope: what the model answered (unless feedback said it did not help without naming the
  right question), what feedback named a standard question for, and every message whose text the
  operator has since made part of the shop: a standard or similar question, or a test question
  held back for one (the inbox's fixes);
- off-topic: everything else, marked as matching nothing, ignored, or not reviewed yet. Counting
  the unreviewed ones as off-topic can only raise the ratio: until the inbox is worked through,
  the thresholds err toward caution.

The off-topic share is read at the upper end of its one-sided 90% Wilson interval (the
calibration's own confidence), so a small log is read cautiously too. Answered messages are taken
as in scope unless feedback says otherwise: at the calibrated precision, about one in twenty of
them is not, and the share is understated by that much.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .calibration import CONFIDENCE_Z, OFFTOPIC_RATIO, precision_lower_bound
from .querylog import FILE_NAME, QueryLog

MIN_MESSAGES = 200
WINDOW_DAYS = 90
MAX_RATIO = 100.0


@dataclass
class TrafficMix:
    ratio: float  # off-topic messages per in-scope one, to calibrate for
    source: str  # "log" (measured) or "default"
    messages: int = 0  # logged messages of the window
    in_scope: int = 0
    offtopic: int = 0
    window_days: int = WINDOW_DAYS

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        if self.source != "log":
            return (f"{self.ratio:g} off-topic messages per in-scope one assumed "
                    f"(fewer than {MIN_MESSAGES} logged consumer messages to measure it from)")
        return (f"{self.ratio:.2f} off-topic messages per in-scope one, measured on {self.messages} logged "
                f"consumer messages of the last {self.window_days} days ({self.offtopic} not answered or confirmed "
                f"by the operator)")


def upper_share(k: int, n: int, z: float = CONFIDENCE_Z) -> float:
    """One-sided upper Wilson bound of a proportion k / n: one minus the lower bound of the rest."""
    return min(1.0, 1.0 - precision_lower_bound(n - k, n, z))


def measure(log: QueryLog, shop_id: int, shop_norms: set[str], now: float | None = None) -> TrafficMix:
    """The mix of `shop_id`'s logged traffic; `shop_norms`: the texts that are part of the shop."""
    since = (now or time.time()) - WINDOW_DAYS * 86400
    log.fill_norms(shop_id)  # rows logged before `norm` existed (the inbox does the same)
    rows = log.execute("SELECT norm, decision, helpful, chosen_id, count(*) FROM queries "
                       "WHERE shop_id = ? AND ts >= ? GROUP BY norm, decision, helpful, chosen_id",
                       (shop_id, since))
    messages = in_scope = 0
    for norm, decision, helpful, chosen_id, n in rows:
        messages += n
        answered = decision == "answer" and helpful != 0
        if answered or chosen_id is not None or norm in shop_norms:
            in_scope += n
    if messages < MIN_MESSAGES:
        return TrafficMix(OFFTOPIC_RATIO, "default", messages, in_scope, messages - in_scope)
    share = upper_share(messages - in_scope, messages)
    ratio = MAX_RATIO if share >= 1.0 else min(MAX_RATIO, share / (1.0 - share))
    return TrafficMix(round(ratio, 4), "log", messages, in_scope, messages - in_scope)


def shop_mix(store, shop_id: int, log_path: Path | None = None) -> TrafficMix:
    """The mix to calibrate `shop_id` for, from the data directory's query log (the default when
    there is no log file: it is never created here)."""
    path = Path(log_path) if log_path else Path(store.home) / FILE_NAME
    if not path.exists():
        return TrafficMix(OFFTOPIC_RATIO, "default")
    norms = {e.norm for e in store.index_entries(shop_id)}
    norms |= {t.norm for t in store.test_questions(shop_id) if t.expected_id is not None}
    log = QueryLog(path)
    try:
        return measure(log, shop_id, norms)
    finally:
        log.close()
