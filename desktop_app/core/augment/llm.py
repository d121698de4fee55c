"""Paraphrases from any OpenAI-compatible chat-completions API (DeepSeek, Qwen, Moonshot, Zhipu...).

Only the standard library speaks HTTP here. Worker threads only send requests; the calling
thread parses, guards and saves each answer as it arrives (one SQLite connection, one writer), so
a cancelled or crashed run keeps everything that arrived, and a re-run skips the standard
questions that already have enough 'llm' outputs. The API key is sent in the Authorization header
and nowhere else: never logged, never put in an error message (bodies are scrubbed of it).
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from ..reporter import NULL, Cancelled, Reporter
from . import operator_texts
from .guard import Guard, QuestionOutcome, RunSummary
from .secrets import mask

log = logging.getLogger(__name__)

DEFAULT_PER_QUESTION = 100
MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After is capped, not obeyed blindly


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    model: str
    needs_key: bool = True


PRESETS = {
    "deepseek": Provider("DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat"),
    "qwen": Provider("Qwen (DashScope compatible mode)", "https://dashscope.aliyuncs.com/compatible-mode/v1",
                     "qwen-plus"),
    "moonshot": Provider("Moonshot", "https://api.moonshot.cn/v1", "moonshot-v1-8k"),
    "zhipu": Provider("Zhipu", "https://open.bigmodel.cn/api/paas/v4", "glm-4-flash"),
    "openai": Provider("OpenAI", "https://api.openai.com/v1", "gpt-4o-mini"),
    "ollama": Provider("Ollama (local)", "http://localhost:11434/v1", "qwen2.5:7b", needs_key=False),
    "vllm": Provider("vLLM (local)", "http://localhost:8000/v1", "", needs_key=False),
}


class LlmError(Exception):
    """Not worth retrying (bad key, unknown model, wrong URL): the run stops."""


class TransientError(Exception):
    """Worth retrying: 429, 5xx, a timeout, a dropped connection, an unreadable answer."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class NotConfirmed(Cancelled):
    """The operator declined to send the questions to the provider."""


@dataclass
class LlmSettings:
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    provider: str = "custom"  # shown to the operator in the confirmation
    timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 1.0  # first wait; doubles each retry
    max_backoff: float = 30.0
    batch_size: int = 20  # paraphrases asked for per request
    concurrency: int = 4
    temperature: float = 0.9

    @classmethod
    def from_preset(cls, key: str, **overrides) -> "LlmSettings":
        if key not in PRESETS:
            raise ValueError(f"unknown provider '{key}' (one of {', '.join(PRESETS)})")
        p = PRESETS[key]
        values = {"base_url": p.base_url, "model": p.model, "provider": p.name}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        if not self.base_url or not re.match(r"^https?://", self.base_url):
            raise ValueError(f"the base URL must start with http:// or https:// (got '{self.base_url}')")
        if not self.model:
            raise ValueError("no model name: pass one (--model)")
        if self.concurrency < 1 or self.batch_size < 1:
            raise ValueError("concurrency and batch size must be at least 1")


@dataclass
class ChatReply:
    content: str
    usage: dict
    finish_reason: str | None
    retries: int


# ----------------------------------------------------------------------------- HTTP client
class ChatClient:
    def __init__(self, settings: LlmSettings, stop: threading.Event | None = None):
        self.s = settings
        self.stop = stop or threading.Event()
        self.url = settings.base_url.rstrip("/") + "/chat/completions"
        self.json_mode = True  # asks for response_format json_object until a server refuses it

    def _scrub(self, text: str) -> str:
        key = self.s.api_key
        return text.replace(key, mask(key)) if key else text

    def chat(self, messages: list[dict]) -> ChatReply:
        """One completion, retried with exponential backoff on transient errors."""
        retries = 0
        while True:
            if self.stop.is_set():
                raise Cancelled()
            try:
                reply = self._post(messages)
                reply.retries = retries
                return reply
            except TransientError as exc:
                if retries >= self.s.max_retries:
                    raise TransientError(f"{exc} (gave up after {retries} retries)") from None
                delay = min(self.s.backoff * 2 ** retries, self.s.max_backoff)
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, MAX_RETRY_AFTER))
                retries += 1
                log.warning("%s: %s; retry %d in %.1f s", self.s.provider, exc, retries, delay)
                if self.stop.wait(delay):  # a cancel interrupts the wait
                    raise Cancelled() from None

    def _post(self, messages: list[dict]) -> ChatReply:
        payload = {"model": self.s.model, "messages": messages, "temperature": self.s.temperature}
        if self.json_mode:
            payload["response_format"] = {"type": "json_object"}
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.s.api_key:
            headers["Authorization"] = f"Bearer {self.s.api_key}"
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.s.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            snippet = self._scrub(exc.read()[:300].decode("utf-8", "replace")) if exc.fp else ""
            if exc.code == 400 and self.json_mode:  # some servers know no response_format: ask without
                self.json_mode = False
                log.info("%s refused response_format; asking for plain JSON text instead", self.s.provider)
                return self._post(messages)
            if exc.code in (408, 409, 425, 429) or exc.code >= 500:
                raise TransientError(f"HTTP {exc.code}", _retry_after(exc.headers.get("Retry-After"))) from None
            hint = {401: " (is the API key right?)", 403: " (does the key allow this model?)",
                    404: " (is the base URL or the model name right?)"}.get(exc.code, "")
            raise LlmError(f"{self.s.provider} answered HTTP {exc.code}{hint}: {snippet}".strip()) from None
        except urllib.error.URLError as exc:
            raise TransientError(f"cannot reach {self.s.base_url}: {exc.reason}") from None
        except (socket.timeout, TimeoutError):
            raise TransientError(f"no answer within {self.s.timeout:g} s") from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:  # dropped, reset, truncated
            raise TransientError(f"connection dropped ({type(exc).__name__})") from None
        try:
            data = json.loads(raw)
            choice = data["choices"][0]
            content = choice["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise TransientError("the answer is not a chat completion") from None
        usage = data.get("usage") or {}
        return ChatReply(content, {k: int(usage.get(k) or 0) for k in
                                   ("prompt_tokens", "completion_tokens", "total_tokens")},
                         choice.get("finish_reason"), 0)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds or as an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


# ----------------------------------------------------------------------------- prompt and parsing
SYSTEM = "你是一名电商客服数据标注员，熟悉中国网购消费者在聊天窗口里的说话方式。"


def build_messages(question: str, k: int, examples=(), subject_words=(), avoid=()) -> list[dict]:
    """The method's instruction: meaning kept, with and without the subject words, real consumers' voice."""
    lines = [f"网店的一个标准问是：「{question}」"]
    if examples:
        lines.append("顾客已有的几种问法：" + "；".join(f"「{e}」" for e in examples))
    lines += [
        f"请写出 {k} 条顾客可能发来的不同问法（相似问），要求：",
        "1. 意思与标准问完全相同，不增加、不减少、不改变诉求，答案仍然适用；",
        "2. 用真实消费者在聊天窗口里的口吻：口语化、简短，可以有语气词、省略和常见错别字，长短不一；",
    ]
    if subject_words:
        lines.append(f"3. 大约一半保留商品主体词（{'、'.join(subject_words)}），另一半去掉主体词，只问问题本身；")
    else:
        lines.append("3. 一部分带上商品或主体词，一部分省略主体词，只问问题本身；")
    lines.append("4. 每条都不一样，不要只改标点、空格或语气词；不要重复已有的问法。")
    if avoid:
        lines.append("已经有的（不要重复）：" + "；".join(avoid))
    lines.append('只输出 JSON，格式为：{"questions": ["问法1", "问法2"]}')
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def messages_for(store, sq, k: int, entities=(), avoid=()) -> list[dict]:
    """The request for `k` paraphrases of one standard question: up to 5 operator-written examples,
    the shop's subject words that occur in it, and what this run already got (to avoid)."""
    subject = [e for e in entities if e and e.lower() in sq.text.lower()]
    return build_messages(sq.text, k, operator_texts(store, sq.id)[:5], subject, avoid)


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)(?:```|$)", re.S)
_BULLET = re.compile(r"^\s*(?:\d+\s*[.、):：）]|[(（]\d+[)）]|[-*•·]|[一二三四五六七八九十]+、)\s*")
_QUOTES = "\"'“”‘’「」『』`"


def parse_paraphrases(content: str) -> list[str]:
    """JSON first ({"questions": [...]}, a bare list, inside a code fence); then what survives of
    truncated JSON (every complete string); then a numbered or bulleted plain list."""
    text = (content or "").strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start >= 0:
        try:
            return _clean(_strings(json.loads(text[start:])))
        except ValueError:
            found = _complete_strings(text[start:])
            if found:
                return _clean(found)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    bulleted = [ln for ln in lines if _BULLET.match(ln)]
    chosen = bulleted if bulleted else [ln for ln in lines if not ln.rstrip().endswith((":", "："))]
    return _clean(_BULLET.sub("", ln) for ln in chosen)


def _complete_strings(text: str) -> list[str]:
    """Every complete JSON string literal in `text` that is not an object key, in order."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] != '"':
            i += 1
            continue
        j = i + 1
        while j < n and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        if j >= n:
            break  # cut off mid-string: that one is lost
        rest = text[j + 1:].lstrip()
        if not rest.startswith(":"):
            try:
                out.append(json.loads(text[i:j + 1]))
            except ValueError:
                pass
        i = j + 1
    return out


def _strings(data) -> list:
    if isinstance(data, dict):
        for key in ("questions", "paraphrases", "similar_questions", "items", "results", "data"):
            if isinstance(data.get(key), list):
                return _strings(data[key])
        lists = [v for v in data.values() if isinstance(v, list)]
        return _strings(lists[0]) if lists else []
    if isinstance(data, list):
        out = []
        for item in data:
            if isinstance(item, dict):
                item = item.get("text") or item.get("question") or ""
            if isinstance(item, str):
                out.append(item)
        return out
    return []


def _clean(items) -> list[str]:
    out = []
    for item in items:
        item = item.strip().strip(_QUOTES).rstrip(",，;；").strip().strip(_QUOTES).strip()
        if item:
            out.append(item)
    return out


# ----------------------------------------------------------------------------- a run over a shop
def augment_llm(store, shop_id: int, settings: LlmSettings, *, standard_ids=None,
                per_question: int = DEFAULT_PER_QUESTION, confirm=None, guard: Guard | None = None,
                reporter: Reporter = NULL, entities=None) -> RunSummary:
    """Top each standard question up to `per_question` 'llm' outputs, saved (pending) as they arrive.

    `confirm(provider, base_url, n_questions, per_question) -> bool` is called once, before the
    first request; False raises NotConfirmed and nothing is sent.
    """
    from .rules import AugmentSettings

    if entities is None:
        entities = AugmentSettings.load(store, shop_id).entities
    wanted = None if standard_ids is None else set(standard_ids)
    summary = RunSummary(method="llm")
    todo: deque = deque()
    remaining: dict[int, int] = {}
    outcomes: dict[int, QuestionOutcome] = {}
    for sq in store.standards(shop_id):
        if wanted is not None and sq.id not in wanted:
            continue
        have = len(store.similars(sq.id, source="llm"))  # any status: rejected ones were paid for too
        outcome = QuestionOutcome(sq.id, sq.text, asked=max(per_question - have, 0))
        summary.add(outcome)
        if have >= per_question:
            outcome.note = f"already has {have} llm outputs"
        else:
            outcomes[sq.id], remaining[sq.id] = outcome, per_question - have
            todo.append(sq)
    if not todo:
        return summary
    require_key(settings)
    if confirm is not None and not confirm(settings.provider, settings.base_url, len(todo), per_question):
        raise NotConfirmed("not confirmed: nothing was sent")
    guard = guard or Guard.for_shop(store, shop_id)
    total = sum(remaining.values())
    reporter.stage(f"augment ({settings.provider})", total)
    stop = threading.Event()
    client = ChatClient(settings, stop)
    pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="llm")
    inflight: dict = {}
    requests: dict[int, int] = {}
    fruitless: dict[int, int] = {}
    produced: dict[int, list[str]] = {}
    by_id = {sq.id: sq for sq in todo}

    def submit(sq) -> None:
        k = min(settings.batch_size, remaining[sq.id])
        messages = messages_for(store, sq, k, entities, produced.get(sq.id, [])[-30:])
        requests[sq.id] = requests.get(sq.id, 0) + 1
        log.info("request %d for standard question %d (%d paraphrases)", requests[sq.id], sq.id, k)
        inflight[pool.submit(client.chat, messages)] = sq.id

    def start_next() -> None:
        if todo:
            submit(todo.popleft())

    try:
        for _ in range(settings.concurrency):
            start_next()
        done_total = 0
        while inflight:
            finished, _ = wait(list(inflight), timeout=0.2, return_when=FIRST_COMPLETED)
            reporter.check_cancel()
            for fut in finished:
                sid = inflight.pop(fut)
                outcome = outcomes[sid]
                summary.requests += 1
                try:
                    reply = fut.result()
                except TransientError as exc:
                    outcome.note = f"stopped: {exc}"
                    summary.failures.append(f"'{outcome.text}': {exc}")
                    start_next()
                    continue
                summary.retries += reply.retries
                for key, value in reply.usage.items():
                    summary.usage[key] = summary.usage.get(key, 0) + value
                texts = parse_paraphrases(reply.content)
                result = guard.filter(sid, texts, limit=remaining[sid])
                added = guard.save(store, sid, result.kept, source="llm")
                produced.setdefault(sid, []).extend(result.kept)
                outcome.added += added
                outcome.dropped.update(result.dropped)
                remaining[sid] -= added
                done_total += added
                reporter.progress(done_total, total)
                fruitless[sid] = 0 if added else fruitless.get(sid, 0) + 1
                max_requests = -(-outcome.asked // settings.batch_size) + 3
                if remaining[sid] <= 0:
                    start_next()
                elif fruitless[sid] >= 2 or requests[sid] >= max_requests:
                    outcome.note = (f"stopped after {requests[sid]} requests: the answers kept repeating "
                                    "or the guard dropped them")
                    start_next()
                else:
                    submit(by_id[sid])
    except BaseException:
        stop.set()  # workers stop retrying; what was saved stays saved
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    reporter.log(f"{summary.added} paraphrases added; tokens: {summary.usage.get('prompt_tokens', 0)} prompt + "
                 f"{summary.usage.get('completion_tokens', 0)} completion = {summary.usage.get('total_tokens', 0)}")
    return summary


def require_key(settings: LlmSettings) -> None:
    """A remote API without a key would only answer 401: say so before sending anything."""
    local = re.match(r"^https?://(localhost|127\.0\.0\.1|\[::1\])[:/]", settings.base_url)
    if settings.api_key is None and not local:
        raise LlmError(f"no API key for {settings.provider}: store one (standardq augment-key) or pass --api-key-env")
