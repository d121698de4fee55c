"""Statistics over the query log for one shop and period (the Statistics view, `standardq stats`).

- per standard question: answered, suggested, and chosen by feedback;
- the standard questions never hit in the period (no answer, suggestion or choice);
- per day: answered / suggested / no-match counts and rates;
- latency p50 / p99 (served, cache hits included), the cache-hit share;
- the most frequent texts the model did not answer, and the feedback counts.
"""

from __future__ import annotations

import time

import numpy as np

from .querylog import QueryLog

UNMATCHED_SHOWN = 20


def parse_since(text: str | None, now: float | None = None) -> float | None:
    """'7d', '12h', '30m' or a date 'YYYY-MM-DD' -> a unix time; None or '' -> None (all)."""
    if not text:
        return None
    now = time.time() if now is None else now
    text = text.strip().lower()
    units = {"d": 86400, "h": 3600, "m": 60}
    if text[-1:] in units and text[:-1].replace(".", "", 1).isdigit():
        return now - float(text[:-1]) * units[text[-1]]
    try:
        return time.mktime(time.strptime(text, "%Y-%m-%d"))
    except ValueError:
        raise ValueError(f"since must look like 7d, 12h, 30m or 2026-12-01, not {text!r}") from None


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def shop_stats(log: QueryLog, shop_id: int, lookup: dict[int, dict], since: float | None = None) -> dict:
    """`lookup`: the shop's standard questions, {id: {"text": ..., ...}} (Store.standard_lookup)."""
    where, params = "WHERE shop_id = ?" + (" AND ts >= ?" if since is not None else ""), [shop_id]
    if since is not None:
        params.append(since)
    counts = dict(log.execute(f"SELECT decision, count(*) FROM queries {where} GROUP BY decision", params))
    total = sum(counts.values())

    per_question: dict[int, dict] = {}

    def bump(sq_id, key, n):
        if sq_id is None:
            return
        entry = per_question.setdefault(sq_id, {"id": sq_id, "answered": 0, "suggested": 0, "chosen": 0})
        entry[key] += n

    for sq_id, decision, n in log.execute(
            f"SELECT top_id, decision, count(*) FROM queries {where} AND decision != 'no_match' "
            f"GROUP BY top_id, decision", params):
        bump(sq_id, "answered" if decision == "answer" else "suggested", n)
    for sq_id, n in log.execute(f"SELECT chosen_id, count(*) FROM queries {where} AND chosen_id IS NOT NULL "
                                f"GROUP BY chosen_id", params):
        bump(sq_id, "chosen", n)
    hits = []
    for sq_id, entry in per_question.items():
        info = lookup.get(sq_id)
        if info is None:  # deleted since
            continue
        hits.append({**entry, "standard_question": info["text"], "category": info.get("category", "")})
    hits.sort(key=lambda e: (-(e["answered"] + e["suggested"] + e["chosen"]), e["id"]))
    never = [{"id": i, "standard_question": info["text"], "category": info.get("category", "")}
             for i, info in lookup.items() if i not in per_question]

    days = []
    for day, answered, suggested, no_match in log.execute(
            f"SELECT date(ts, 'unixepoch', 'localtime') AS day, sum(decision = 'answer'), "
            f"sum(decision = 'suggest'), sum(decision = 'no_match') FROM queries {where} GROUP BY day ORDER BY day",
            params):
        n = answered + suggested + no_match
        days.append({"day": day, "queries": n, "answered": answered, "suggested": suggested, "no_match": no_match,
                     "answer_rate": _rate(answered, n), "suggest_rate": _rate(suggested, n),
                     "no_match_rate": _rate(no_match, n)})

    latencies = np.array([r[0] for r in log.execute(
        f"SELECT latency_ms FROM queries {where} AND source = 'served' AND latency_ms IS NOT NULL", params)])
    cached = log.execute(f"SELECT sum(cached) FROM queries {where} AND source = 'served'", params)[0][0] or 0
    unmatched = [{"text": text, "count": n, "decision": decision} for text, n, decision in log.execute(
        f"SELECT text, count(*) AS n, max(decision) FROM queries {where} AND decision != 'answer' "
        f"GROUP BY text ORDER BY n DESC, max(ts) DESC LIMIT {UNMATCHED_SHOWN}", params)]
    helpful = dict(log.execute(f"SELECT helpful, count(*) FROM queries {where} AND helpful IS NOT NULL "
                               f"GROUP BY helpful", params))
    return {
        "shop_id": shop_id,
        "since": None if since is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since)),
        "queries": total,
        "answered": counts.get("answer", 0), "suggested": counts.get("suggest", 0),
        "no_match": counts.get("no_match", 0),
        "answer_rate": _rate(counts.get("answer", 0), total),
        "suggest_rate": _rate(counts.get("suggest", 0), total),
        "no_match_rate": _rate(counts.get("no_match", 0), total),
        "latency_ms": {"p50": round(float(np.percentile(latencies, 50)), 3) if latencies.size else None,
                       "p99": round(float(np.percentile(latencies, 99)), 3) if latencies.size else None},
        "cache_hit_rate": _rate(int(cached), int(latencies.size)),
        "feedback": {"helpful": helpful.get(1, 0), "unhelpful": helpful.get(0, 0)},
        "hits": hits,
        "never_hit": never,
        "per_day": days,
        "unmatched": unmatched,
    }
