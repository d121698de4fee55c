"""Rule-based paraphrases of a question: offline, and deterministic for a seed.

Rules, each chosen at random per output and applied in this order on a jieba segmentation:

- entity removal: drop the shop's subject words (扫地机, 洗地机, model names...), as the method asks
  for variants with and without the product;
- synonym substitution from the built-in customer-service dictionary plus the shop's own groups;
- word-level variants: drop fillers (一下, 那个...), 看 -> 看看 / 看一下, 这个/我家 before an entity;
- a same-pinyin typo, as a pinyin input method makes them;
- colloquial endings (吗 -> 不, 呢/啊, 谢谢) and openings (请问, 我想问一下, 亲).

No punctuation, spacing or width variants: the core's normalisation makes those identical. The
generator works on the normalised text, so its outputs are what the store compares anyway.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..normalize import dedup_key, normalize_text
from ..reporter import NULL, Reporter
from ..shop_settings import AugmentSettings  # noqa: F401 - the generator's lists, imported from here too
from . import operator_texts
from .guard import Guard, QuestionOutcome, RunSummary

DEFAULT_PER_QUESTION = 30

_TRAILING = re.compile(r"[\s?？。.!！~～,，、;；]+$")
WH_WORDS = ("怎么", "如何", "咋", "怎样", "什么", "啥", "哪", "多少", "多久", "多长", "几", "为什么", "为啥",
            "为何", "谁", "是否")
A_NOT_A = re.compile(r"(能不能|可不可以|是不是|有没有|会不会|要不要|行不行|好不好|对不对|有木有)")
MODALS = ("能", "可以", "会", "支持", "有")
PARTICLES = "吗么呢啊呀吧嘛哦"
REQUEST_STARTS = ("给", "帮", "查", "打开", "关闭", "播放", "搜", "找", "订", "导航", "设置", "提醒", "取消", "告诉",
                  "翻译", "推荐", "我要", "我想")

OPEN_GREETING = ["你好，", "您好，", "亲，", "在吗？", "客服你好，", "哈喽，"]
OPEN_QUESTION = ["请问", "我想问一下", "问一下", "想问下", "咨询一下", "请问一下", "我想咨询下"]
OPEN_REQUEST = ["请", "麻烦", "帮我", "麻烦帮我"]
OPEN_WORDS = ("亲", "你好", "您好", "在吗", "在不在", "客服", "哈喽", "请", "问一下", "问下", "想问", "我想问", "咨询",
              "我想咨询", "麻烦", "hi", "hello")  # a text starting like this gets no second opening
END_WH = ["呢", "啊", "呀"]
END_POLITE = ["，谢谢", "，急", "，在线等", "，麻烦了", "，谢谢啦"]

FILLERS = {"一下", "那个", "这个", "就", "还", "请", "麻烦", "呢", "啊", "吧", "呀", "哦", "嘛", "的话", "那么"}
REDUP_VERBS = {"看", "查", "问", "试", "找", "说", "想", "等"}
# 找不到 / 看得见 / 等了: a complement follows, and 找找不到 would be wrong.
NO_REDUP_BEFORE = ("不", "没", "得", "到", "了", "过", "着", "一", "下", "见", "完", "好", "出", "清")
YIXIA_VERBS = {"看", "查", "问", "说", "处理", "确认", "检查", "介绍", "解释"}
DETERMINERS = ["这个", "我家", "我的", "我买的", "这款"]

PHRASE_FREQ = 1000  # jieba counts of dictionary phrases: ordinary words, not rare ones

RULES = ("entity", "synonym", "word", "typo", "ending", "opening")


# ----------------------------------------------------------------------------- resources
def _resource_json(name: str) -> dict:
    from ...paths import resource

    return json.loads(resource("augment", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def builtin_synonyms() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize_text(w) for w in g) for g in _resource_json("synonyms_zh.json")["groups"])


@lru_cache(maxsize=1)
def _typo_tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], frozenset[str]]:
    """(curated confusions: char -> chars, common chars by pinyin with tone, protected chars)."""
    from pypinyin import Style, lazy_pinyin

    data = _resource_json("typos_zh.json")
    curated: dict[str, list[str]] = {}
    for group in data["confusions"]:
        for ch in group:
            curated.setdefault(ch, []).extend(c for c in group if c != ch and c not in curated[ch])
    protected = frozenset(data["protected"])
    by_sound: dict[str, list[str]] = {}
    for ch in dict.fromkeys(data["common"]):  # ordered, unique
        if ch not in protected:
            by_sound.setdefault(lazy_pinyin(ch, style=Style.TONE3)[0], []).append(ch)
    return ({k: tuple(v) for k, v in curated.items()}, {k: tuple(v) for k, v in by_sound.items() if len(v) > 1},
            protected)


@lru_cache(maxsize=8)
def _tokenizer(phrases: tuple[str, ...]):
    """A private jieba tokenizer that knows the dictionary's phrases (jieba's global one stays untouched)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for p in phrases:
        if len(p) > 1:  # a solid count, so 退货运费 splits 退货|运费, not 退|货运费
            tok.add_word(p, freq=max(tok.FREQ.get(p) or 0, PHRASE_FREQ))
    return tok


# ----------------------------------------------------------------------------- report
@dataclass
class RuleReport:
    asked: int = 0
    produced: int = 0
    attempts: int = 0
    repeats: int = 0  # candidates equal to the source or to an earlier output
    applicable: dict[str, bool] = field(default_factory=lambda: {r: False for r in RULES})

    def merge(self, other: "RuleReport") -> None:
        self.asked += other.asked
        self.produced += other.produced
        self.attempts += other.attempts
        self.repeats += other.repeats
        for r, ok in other.applicable.items():
            self.applicable[r] = self.applicable.get(r, False) or ok

    def reason(self) -> str:
        """Why fewer than asked, for the operator; '' when the generator delivered."""
        if self.produced >= self.asked:
            return ""
        idle = [r for r in RULES if not self.applicable.get(r)]
        why = f"only {self.produced} distinct variants in {self.attempts} attempts"
        return why + (f"; rules with nothing to work on: {', '.join(idle)}" if idle else "")


# ----------------------------------------------------------------------------- generator
class RuleGenerator:
    def __init__(self, entities=(), synonyms=(), seed: int = 0, builtin: bool = True):
        self.seed = seed
        # Longest first: 扫地机器人 is removed whole before 扫地机 could match inside it.
        self.entities = sorted({normalize_text(e) for e in entities if normalize_text(e)}, key=lambda e: (-len(e), e))
        groups = list(builtin_synonyms()) if builtin else []
        groups += [tuple(normalize_text(w) for w in g) for g in synonyms]
        self._syn: dict[str, list[str]] = {}
        for g in groups:
            for w in g:
                if w:
                    self._syn.setdefault(w, []).extend(x for x in g if x and x != w and x not in self._syn[w])
        self._phrases = sorted(self._syn, key=lambda w: (-len(w), w))
        self._tok = _tokenizer(tuple(self._phrases))

    @classmethod
    def for_shop(cls, store, shop_id: int, seed: int = 0) -> "RuleGenerator":
        s = AugmentSettings.load(store, shop_id)
        return cls(s.entities, s.synonyms, seed=seed)

    # -- segmentation helpers --------------------------------------------------
    def _tokens(self, text: str) -> list[str]:
        return list(self._tok.cut(text, HMM=True))

    def _bounds(self, text: str) -> set[int]:
        pos, out = 0, {0}
        for t in self._tokens(text):
            pos += len(t)
            out.add(pos)
        return out

    def _matches(self, text: str, words) -> list[tuple[int, int, str]]:
        """Non-overlapping occurrences of `words` (longest first) that start and end on word boundaries."""
        bounds, taken, found = self._bounds(text), set(), []
        for w in words:
            start = text.find(w)
            while start >= 0:
                end = start + len(w)
                if start in bounds and end in bounds and not taken.intersection(range(start, end)):
                    found.append((start, end, w))
                    taken.update(range(start, end))
                start = text.find(w, start + 1)
        return sorted(found)

    # -- the rules: each returns the new text, or None where it does not apply ---
    def _entity(self, text, rng):
        found = self._matches(text, self.entities)
        if not found:
            return None
        chosen = found if rng.random() < 0.5 else [rng.choice(found)]
        for start, end, _ in sorted(chosen, reverse=True):
            if text[end:end + 1] == "的":  # 扫地机的滚刷 -> 滚刷
                end += 1
            text = text[:start] + text[end:]
        return text.strip() or None

    def _synonym(self, text, rng):
        found = self._matches(text, self._phrases)
        if not found:
            return None
        start, end, w = rng.choice(found)
        return text[:start] + rng.choice(self._syn[w]) + text[end:]

    def _word(self, text, rng):
        toks = self._tokens(text)
        ops = []
        for i, t in enumerate(toks):
            if t in FILLERS and len(toks) > 2:
                ops.append(("drop", i))
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if t in REDUP_VERBS and nxt != t and not nxt.startswith(NO_REDUP_BEFORE):
                ops.append(("redup", i))
            if t in YIXIA_VERBS and nxt not in ("一下", "下", t) and i + 1 < len(toks):
                ops.append(("yixia", i))
            if t == "一下" and i > 0:
                ops.append(("xia", i))
        for start, _, _ in self._matches(text, self.entities):
            if not any(text[:start].endswith(d) for d in DETERMINERS):
                ops.append(("det", start))
        if not ops:
            return None
        kind, i = rng.choice(ops)
        if kind == "det":
            return text[:i] + rng.choice(DETERMINERS) + text[i:]
        if kind == "drop":
            toks[i] = ""
        elif kind == "redup":  # REDUP_VERBS are single characters: 看 -> 看看
            toks[i] = toks[i] * 2
        elif kind == "yixia":
            toks[i] += "一下"
        elif kind == "xia":
            toks[i] = "下"
        out = "".join(toks).strip()
        return out or None

    def _typo(self, text, rng):
        from pypinyin import Style, lazy_pinyin

        curated, by_sound, protected = _typo_tables()
        # Readings in context (行 in 银行 is hang2, in 行不行 xing2); non-Chinese chars map to themselves.
        readings = lazy_pinyin(text, style=Style.TONE3, errors=lambda chars: list(chars))
        if len(readings) != len(text):
            readings = list(text)
        options = {}
        for i, ch in enumerate(text):
            alts = list(curated.get(ch, ()))
            if ch not in protected:
                alts += [c for c in by_sound.get(readings[i], ()) if c != ch and c not in alts]
            if alts:
                options[i] = alts
        if not options:
            return None
        i = rng.choice(sorted(options))
        return text[:i] + rng.choice(options[i]) + text[i + 1:]

    def _ending(self, text, rng):
        is_wh = any(w in text for w in WH_WORDS)
        last = text[-1:]
        choices = []
        if text.endswith("了吗"):
            choices += [text[:-1] + "没", text[:-1] + "没有"]
        elif last == "吗":
            choices += [text[:-1] + "么"] + ([text[:-1] + "不"] if "不" not in text else [])
        elif last in "呢啊呀":
            choices += [text[:-1] + e for e in END_WH if e != last]
        elif is_wh:
            choices += [text + e for e in END_WH]
        elif any(m in text for m in MODALS) and not A_NOT_A.search(text) and last not in PARTICLES:
            choices.append(text + "吗")
        choices += [text + p for p in END_POLITE]
        return rng.choice(choices)

    def _opening(self, text, rng):
        if dedup_key(text).startswith(OPEN_WORDS):
            return None
        is_question = (any(w in text for w in WH_WORDS) or text.endswith(("吗", "么", "呢", "没", "没有", "不"))
                       or bool(A_NOT_A.search(text)))
        pool = list(OPEN_GREETING)
        if is_question:
            pool += OPEN_QUESTION
        elif text.startswith(REQUEST_STARTS):
            pool += [o for o in OPEN_REQUEST if not (o.endswith("帮我") and text.startswith(("帮", "给")))]
        return rng.choice(pool) + text

    # -- driver -----------------------------------------------------------------
    def generate(self, text: str, n: int, avoid=()) -> tuple[list[str], RuleReport]:
        """Up to `n` distinct variants of `text` (none equal to it or to a key in `avoid`)."""
        report = RuleReport(asked=n)
        source = _TRAILING.sub("", normalize_text(text))
        if not source or n <= 0:
            return [], report
        rng = random.Random(f"{self.seed}\x1f{source}")  # str seeds hash with SHA-512: stable across runs
        seen = {dedup_key(source), *avoid}
        out: list[str] = []
        probe = random.Random(0)
        for name in RULES:  # which rules can do anything here, for the report
            report.applicable[name] = getattr(self, "_" + name)(source, probe) is not None
        plan = [("entity", 0.5), ("synonym", 0.75), ("synonym", 0.3), ("word", 0.4), ("typo", 0.2),
                ("ending", 0.4), ("opening", 0.4)]
        max_attempts = 40 * n + 40
        while len(out) < n and report.attempts < max_attempts:
            report.attempts += 1
            cand = source
            for name, p in plan:
                if rng.random() < p:
                    cand = getattr(self, "_" + name)(cand, rng) or cand
            key = dedup_key(cand)
            if not key or key in seen:
                report.repeats += 1
                continue
            seen.add(key)
            out.append(normalize_text(cand))
        report.produced = len(out)
        return out, report

    def generate_many(self, sources: list[str], n: int, avoid=()) -> tuple[list[tuple[str, str]], RuleReport]:
        """`n` variants spread over several source texts (a standard question and its similars).

        Returns (variant, its source) pairs, sources interleaved so a prefix is varied too.
        """
        report = RuleReport(asked=n)
        sources = list(dict.fromkeys(s for s in sources if s and s.strip()))
        if not sources or n <= 0:
            return [], report
        seen = set(avoid) | {dedup_key(s) for s in sources}
        share = -(-n // len(sources))  # ceil: sources with few variants leave room for the others
        per_source = []
        for s in sources:
            outs, rep = self.generate(s, share * 2, avoid=seen)  # extra: repeats across sources drop out
            rep.asked = 0
            report.merge(rep)
            per_source.append([(o, s) for o in outs])
        result: list[tuple[str, str]] = []
        keys = set()
        for row in range(max(len(p) for p in per_source)):
            for p in per_source:
                if row < len(p) and len(result) < n and dedup_key(p[row][0]) not in keys:
                    keys.add(dedup_key(p[row][0]))
                    result.append(p[row])
        report.produced = len(result)
        return result, report


# ----------------------------------------------------------------------------- run over a shop
def rule_candidates(generator: RuleGenerator, store, sq, need: int, guard: Guard):
    """Candidates for `need` outputs of one standard question: three times as many (the guard drops
    some), varied from its text and its operator-written similar questions."""
    # Avoiding the shop's texts makes a top-up with the same seed find new variants.
    return generator.generate_many([sq.text, *operator_texts(store, sq.id)], need * 3, avoid=guard.known_keys())


def augment_rules(store, shop_id: int, *, standard_ids=None, per_question: int = DEFAULT_PER_QUESTION,
                  seed: int = 0, guard: Guard | None = None, reporter: Reporter = NULL) -> RunSummary:
    """Top each standard question up to `per_question` rule outputs, saved as pending 'rules' items.

    Sources are the standard question and its accepted operator-written similar questions.
    """
    generator = RuleGenerator.for_shop(store, shop_id, seed=seed)
    guard = guard or Guard.for_shop(store, shop_id)
    targets = [sq for sq in store.standards(shop_id) if standard_ids is None or sq.id in set(standard_ids)]
    summary = RunSummary(method="rules")
    reporter.stage("augment (rules)", len(targets))
    for done, sq in enumerate(targets, 1):
        reporter.check_cancel()
        existing = store.similars(sq.id, source="rules")
        need = per_question - len(existing)
        outcome = QuestionOutcome(sq.id, sq.text, asked=max(need, 0))
        if need <= 0:
            outcome.note = f"already has {len(existing)} rule outputs"
        else:
            cands, rep = rule_candidates(generator, store, sq, need, guard)
            result = guard.filter(sq.id, cands, limit=need)
            outcome.added = guard.save(store, sq.id, result.kept, source="rules")
            outcome.dropped.update(result.dropped)
            if outcome.added < need:
                outcome.note = rep.reason() or "the guard dropped the rest"
        summary.add(outcome)
        reporter.progress(done, len(targets))
    return summary
