"""Import a shop's chat-log export into the query log: each consumer message matched by the
active model and logged with its decision, `source='imported'`, so the inbox sees it like a
served question.

    table = read_chat_table(path)                      # chatlog_read.py
    p = preview(table)                                 # guessed mapping and consumer senders
    summary = import_chat_log(store, log, matcher, table, p.mapping, p.consumer_values, reporter)

- **Masking**: as the server does for the query log (masking.py), on by default; the text is
  masked before it is matched, so the logged text, its decision and its stored vector agree.
- **Only the consumer**: with a sender column, only rows whose sender is one of
  `consumer_values` (买家, 顾客...) are kept.
- **Repeats**: the same text again in the same session ("在吗" three times) is logged once.
- **Speed**: texts are matched in batches through `Matcher.query_many`, each distinct
  normalised text once per import; the vectors the matcher computed are stored for the inbox
  (log_embeddings.VectorTap) for what was not answered, so grouping needs no encoding.
- **Cancel / resume**: each batch is written as it is done; a cancelled import keeps what it
  wrote, and importing the same file again skips the rows already logged and goes on from there.
  Row ids are derived from the shop, session, time and text, not the file, so the same message
  in an overlapping export (or the same export saved as .xlsx) is not logged twice either.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field

from . import log_embeddings
from .chatlog_read import ChatMapping, ChatTable, parse_time
from .masking import mask
from .normalize import normalize_text
from .querylog import QueryLog, row_for
from .reporter import NULL, Cancelled, Reporter

BATCH = 512
MAX_MESSAGE_CHARS = 1000  # as the API's limit: nobody's question is longer
RESULT_CACHE = 200_000    # distinct texts whose match is remembered during one import
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class ImportSummary:
    file: str
    rows: int = 0             # data rows in the file
    other_senders: int = 0    # left out by the sender filter
    empty: int = 0            # no text
    too_long: int = 0         # over MAX_MESSAGE_CHARS
    repeats: int = 0          # the same text again in the same session
    already: int = 0          # logged by an earlier import of this file
    imported: int = 0         # newly logged
    decisions: dict = field(default_factory=lambda: {"answer": 0, "suggest": 0, "no_match": 0})
    bad_times: int = 0        # time cells that could not be read (the import time was used)
    masked: int = 0           # messages in which personal data was masked
    cancelled: bool = False
    seconds: float = 0.0
    model_version: int | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Message:
    row: int
    text: str
    norm: str
    ts: float
    session: str | None
    query_id: str


def _messages(table: ChatTable, mapping: ChatMapping, consumer_values, shop_id: int, mask_texts: bool,
              dedup: bool, summary: ImportSummary) -> list[_Message]:
    """The rows to import, filtered, masked and de-duplicated, in file order."""
    if mapping.text is None:
        raise ValueError("choose the column that holds the message text")
    consumer = {v.strip().casefold() for v in (consumer_values or []) if v and v.strip()}
    if mapping.sender is not None and not consumer:
        raise ValueError("say which sender values are the consumer (e.g. 买家), or import without a sender column")
    now = time.time()
    seen: set[tuple] = set()
    occurrences: dict[str, int] = {}
    out = []
    summary.rows = len(table.rows)
    for number, cells in enumerate(table.rows, 2):
        if mapping.sender is not None and cells[mapping.sender].strip().casefold() not in consumer:
            summary.other_senders += 1
            continue
        raw = _CONTROL.sub(" ", cells[mapping.text]).strip()
        if not raw:
            summary.empty += 1
            continue
        if len(raw) > MAX_MESSAGE_CHARS:
            summary.too_long += 1
            continue
        text = mask(raw) if mask_texts else raw
        summary.masked += text != raw
        norm = normalize_text(text)
        if not norm:
            summary.empty += 1
            continue
        session = cells[mapping.session].strip() or None if mapping.session is not None else None
        if dedup and session is not None:
            if (session, norm) in seen:
                summary.repeats += 1
                continue
            seen.add((session, norm))
        time_cell = cells[mapping.time].strip() if mapping.time is not None else ""
        ts = parse_time(time_cell)
        if ts is None:
            summary.bad_times += bool(time_cell)
            ts = now
        # Stable across imports of the same file: a second import skips what the first logged.
        key = f"{shop_id}\x1f{session or ''}\x1f{time_cell}\x1f{raw}"
        occurrences[key] = occurrences.get(key, 0) + 1
        digest = hashlib.sha1(f"{key}\x1f{occurrences[key]}".encode("utf-8")).hexdigest()[:32]
        out.append(_Message(number, text, norm, ts, session, "imp_" + digest))
    return out


def import_chat_log(store, log: QueryLog, matcher, table: ChatTable, mapping: ChatMapping,
                    consumer_values: list[str] | None, reporter: Reporter = NULL, *, mask_texts: bool = True,
                    dedup: bool = True, batch: int = BATCH) -> ImportSummary:
    """Match and log the consumer messages of `table` for the matcher's shop; returns the counts.
    A cancel (reporter.cancel()) ends it after the current batch with `cancelled` set; what was
    written stays."""
    from .matcher import Matcher

    t0 = time.perf_counter()
    shop_id = matcher.shop_id
    version = matcher.version.id
    summary = ImportSummary(table.name, model_version=version)
    messages = _messages(table, mapping, consumer_values, shop_id, mask_texts, dedup, summary)
    tap = log_embeddings.VectorTap(matcher.encoder)
    tapped = Matcher(store, shop_id, matcher.version, encoder=tap)
    results: dict[str, object] = {}  # norm -> QueryResult
    channel = f"import:{table.name}"[:200]
    reporter.stage("import", len(messages))
    try:
        for start in range(0, len(messages), batch):
            reporter.check_cancel()
            chunk = messages[start:start + batch]
            logged = log.existing_ids([m.query_id for m in chunk])
            todo = [m for m in chunk if m.query_id not in logged]
            summary.already += len(chunk) - len(todo)
            fresh = list({m.norm: m.text for m in todo if m.norm not in results}.items())
            if len(results) + len(fresh) > RESULT_CACHE:
                results.clear()
                fresh = list({m.norm: m.text for m in todo}.items())
            tap.clear()
            for (norm, _), result in zip(fresh, tapped.query_many([text for _, text in fresh], k=3)):
                results[norm] = result
            rows, unanswered = [], {}
            for m in todo:
                r = results[m.norm]
                rows.append(row_for(query_id=m.query_id, shop_id=shop_id, text=m.text, decision=r.decision,
                                    matches=[(x.id, x.score) for x in r.matches], model_version=version,
                                    latency_ms=0.0, source="imported", channel=channel, session=m.session,
                                    ts=m.ts) | {"norm": m.norm})
                summary.decisions[r.decision] += 1
                if r.decision != "answer" and m.norm in tap.known:
                    unanswered[m.norm] = tap.known[m.norm]
            log_embeddings.put(log, shop_id, version, unanswered)
            summary.imported += log.write(rows)
            reporter.progress(min(start + batch, len(messages)), len(messages))
    except Cancelled:
        summary.cancelled = True
    finally:
        tap.clear()
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary
