"""The LLM path against a real chat-completions server on 127.0.0.1 with scripted misbehaviour."""

import json
import logging
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop_app.core.augment.guard import Guard
from desktop_app.core.normalize import dedup_key
from desktop_app.core.augment.llm import (LlmError, LlmSettings, NotConfirmed, augment_llm, build_messages,
                                          parse_paraphrases)
from desktop_app.core.reporter import Cancelled, Reporter

KEY = "sk-test-SECRET-0123456789abcd"
USAGE = {"prompt_tokens": 11, "completion_tokens": 22, "total_tokens": 33}
QUESTIONS = ["怎么开发票", "退货运费谁出", "充电座找不到怎么办"]


class FakeLLM:
    """A ThreadingHTTPServer speaking POST /v1/chat/completions.

    `script` is consumed one behaviour per request, then every request is answered normally:
    ok, 429 (Retry-After: 1), 500, body (not JSON), plain (a numbered list, no JSON),
    truncated (JSON cut mid-string), slow (answers after 1.5 s), drop (closes without answering),
    401 (echoes the key, as some providers do).
    """

    def __init__(self, script=()):
        self.script = list(script)
        self.lock = threading.Lock()
        self.log = []  # (time, behaviour, authorization header)
        self.billed = 0  # answers that carried a usage block
        self.counter = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    behaviour = fake.script.pop(0) if fake.script else "ok"
                    fake.log.append((time.monotonic(), behaviour, self.headers.get("Authorization")))
                fake.answer(self, behaviour, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def paraphrases(self, body):
        prompt = body["messages"][-1]["content"]
        question = re.search(r"「(.+?)」", prompt).group(1)
        k = int(re.search(r"请写出 (\d+) 条", prompt).group(1))
        with self.lock:
            start, self.counter = self.counter, self.counter + k
        return [f"{question}{'呢啊呀吧哦嘛'[i % 6]}{i}" for i in range(start, start + k)]

    def answer(self, h, behaviour, body):
        if behaviour == "drop":
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        if behaviour in ("429", "500", "401"):
            payload = {"error": {"message": f"Incorrect API key provided: {KEY}" if behaviour == "401" else "busy"}}
            data = json.dumps(payload).encode()
            h.send_response(int(behaviour))
            if behaviour == "429":
                h.send_header("Retry-After", "1")
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        if behaviour == "slow":
            time.sleep(1.5)
        texts = self.paraphrases(body)
        if behaviour == "plain":
            content = "好的，以下是相似问：\n" + "\n".join(f"{i + 1}. {t}" for i, t in enumerate(texts))
        elif behaviour == "truncated":
            content = json.dumps({"questions": texts}, ensure_ascii=False)[:-8]
        else:
            content = json.dumps({"questions": texts}, ensure_ascii=False)
        envelope = {"choices": [{"message": {"role": "assistant", "content": content},
                                 "finish_reason": "length" if behaviour == "truncated" else "stop"}],
                    "usage": USAGE}
        data = b"{not json" if behaviour == "body" else json.dumps(envelope, ensure_ascii=False).encode()
        try:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            if behaviour != "body":
                with self.lock:
                    self.billed += 1
        except OSError:
            pass  # the client gave up on a slow answer


@pytest.fixture
def llm_server():
    servers = []

    def make(script=()):
        servers.append(FakeLLM(script))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


@pytest.fixture
def shop3(store):
    shop = store.create_shop("llm")
    for q in QUESTIONS:
        store.add_standard(shop.id, q)
    return shop


def settings(server, **kw):
    values = dict(base_url=server.url, model="fake", api_key=KEY, provider="Fake", timeout=0.5, backoff=0.01,
                  max_backoff=0.05, batch_size=3, concurrency=2, max_retries=6)
    values.update(kw)
    return LlmSettings(**values)


def llm_items(store, shop):
    return store.similars(shop_id=shop.id, source="llm")


def assert_no_duplicates(store, shop):
    keys = [dedup_key(s.text) for s in store.similars(shop_id=shop.id)]
    keys += [dedup_key(s.text) for s in store.standards(shop.id)]
    assert len(keys) == len(set(keys))


# ----------------------------------------------------------------------------- parsing
def test_parse_json_forms():
    assert parse_paraphrases('{"questions": ["发票怎么开", "能开票吗"]}') == ["发票怎么开", "能开票吗"]
    assert parse_paraphrases('["a1", "b2"]') == ["a1", "b2"]
    assert parse_paraphrases('好的：\n```json\n{"paraphrases": [{"text": "x1"}, "y2"]}\n```') == ["x1", "y2"]


def test_parse_truncated_json_keeps_complete_strings():
    assert parse_paraphrases('{"questions": ["发票怎么开", "能\\"开票\\"吗", "开票流') == ["发票怎么开", '能"开票"吗']


def test_parse_plain_lists():
    text = "好的，以下是 3 条相似问：\n1. 发票怎么开\n2、能开票吗\n3) “开个发票”\n希望有帮助"
    assert parse_paraphrases(text) == ["发票怎么开", "能开票吗", "开个发票"]
    assert parse_paraphrases("- 发票怎么开\n* 能开票吗\n• 开票") == ["发票怎么开", "能开票吗", "开票"]
    assert parse_paraphrases("发票怎么开\n能开票吗") == ["发票怎么开", "能开票吗"]


def test_prompt_carries_the_method():
    user = build_messages("扫地机吸力变小了怎么办", 7, ["吸力变弱了"], ["扫地机"], ["吸力小了"])[-1]["content"]
    assert "7 条" in user and "扫地机" in user and "意思与标准问完全相同" in user and "JSON" in user
    assert "吸力小了" in user and "吸力变弱了" in user


# ----------------------------------------------------------------------------- runs
def test_every_failure_mode_is_handled_and_nothing_is_lost(store, shop3, llm_server):
    server = llm_server(["429", "500", "body", "slow", "drop", "plain", "truncated"])
    summary = augment_llm(store, shop3.id, settings(server), per_question=6, guard=Guard(store, shop3.id))
    items = llm_items(store, shop3)
    assert len(items) == 18 and {s.status for s in items} == {"pending"}
    for sq in store.standards(shop3.id):
        assert len(store.similars(sq.id, source="llm")) == 6
    assert_no_duplicates(store, shop3)
    assert summary.added == 18 and not summary.failures
    assert summary.retries >= 5  # 429, 500, bad body, slow, dropped
    assert summary.usage["total_tokens"] == 33 * server.billed
    assert summary.usage["prompt_tokens"] == 11 * server.billed


def test_retry_after_is_honoured(store, shop3, llm_server):
    server = llm_server(["429"])
    augment_llm(store, shop3.id, settings(server, concurrency=1), per_question=3, standard_ids=[1],
                guard=Guard(store, shop3.id))
    (t0, first, _), (t1, _, _) = server.log[:2]
    assert first == "429" and t1 - t0 >= 0.95


def test_gives_up_on_a_question_after_retries_and_goes_on(store, shop3, llm_server):
    server = llm_server(["500"] * 3)
    summary = augment_llm(store, shop3.id, settings(server, concurrency=1, max_retries=2), per_question=3,
                          guard=Guard(store, shop3.id))
    assert len(summary.failures) == 1 and "500" in summary.failures[0]
    assert len(llm_items(store, shop3)) == 6  # the other two questions were done
    augment_llm(store, shop3.id, settings(server), per_question=3, guard=Guard(store, shop3.id))
    assert len(llm_items(store, shop3)) == 9


class CancelAfterFirst(Reporter):
    def progress(self, done, total=None):
        if done:
            self.cancel()


def test_cancelled_run_keeps_what_arrived_and_resumes(store, shop3, llm_server):
    server = llm_server()
    with pytest.raises(Cancelled):
        augment_llm(store, shop3.id, settings(server, concurrency=1), per_question=6, guard=Guard(store, shop3.id),
                    reporter=CancelAfterFirst())
    kept = {s.text for s in llm_items(store, shop3)}
    assert len(kept) == 3
    summary = augment_llm(store, shop3.id, settings(server), per_question=6, guard=Guard(store, shop3.id))
    assert kept <= {s.text for s in llm_items(store, shop3)}
    assert len(llm_items(store, shop3)) == 18 and summary.added == 15
    assert summary.requests == 5  # 1 + 2 + 2 requests of 3: nothing asked twice
    assert_no_duplicates(store, shop3)


def test_fatal_error_mid_run_keeps_what_arrived_and_a_rerun_skips_finished(store, shop3, llm_server):
    server = llm_server(["ok", "401"])
    with pytest.raises(LlmError):
        augment_llm(store, shop3.id, settings(server, concurrency=1), per_question=3, guard=Guard(store, shop3.id))
    assert len(llm_items(store, shop3)) == 3
    summary = augment_llm(store, shop3.id, settings(server), per_question=3, guard=Guard(store, shop3.id))
    assert summary.added == 6 and len(server.log) == 4
    notes = [q.note for q in summary.questions if q.note]
    assert notes == ["already has 3 llm outputs"]
    calls = []
    again = augment_llm(store, shop3.id, settings(server), per_question=3, guard=Guard(store, shop3.id),
                        confirm=lambda *a: calls.append(a) or True)
    assert again.added == 0 and calls == [] and len(server.log) == 4  # nothing to do: nothing sent


def test_confirm_is_asked_before_the_first_request(store, shop3, llm_server):
    server = llm_server()
    seen = []

    def confirm(provider, base_url, n_questions, per_question):
        seen.append((provider, base_url, n_questions, per_question, len(server.log)))
        return False

    with pytest.raises(NotConfirmed):
        augment_llm(store, shop3.id, settings(server), per_question=5, confirm=confirm, guard=Guard(store, shop3.id))
    assert seen == [("Fake", server.url, 3, 5, 0)] and server.log == []
    assert llm_items(store, shop3) == []


def test_key_never_in_logs_errors_or_exports(store, shop3, llm_server, caplog, tmp_path):
    from desktop_app.core.io_formats import write_rows

    caplog.set_level(logging.DEBUG)
    server = llm_server(["429", "ok", "401"])
    with pytest.raises(LlmError) as err:
        augment_llm(store, shop3.id, settings(server, concurrency=1), per_question=3, guard=Guard(store, shop3.id))
    assert all(auth == f"Bearer {KEY}" for _, _, auth in server.log)  # sent, in the header only
    assert KEY not in str(err.value) and "401" in str(err.value) and "…abcd" in str(err.value)
    assert KEY not in caplog.text and "retry" in caplog.text
    out = tmp_path / "export.csv"
    write_rows(out, store.export_rows(shop3.id))
    assert KEY not in out.read_text(encoding="utf-8")
    assert KEY not in json.dumps(store.shop_settings(shop3.id)) and KEY not in repr(settings(server))


def test_missing_key_for_a_remote_api_fails_before_sending(store, shop3):
    s = LlmSettings("https://api.example.invalid/v1", "m", provider="Remote")
    with pytest.raises(LlmError, match="no API key"):
        augment_llm(store, shop3.id, s, per_question=2, guard=Guard(store, shop3.id))


def test_presets():
    s = LlmSettings.from_preset("deepseek", api_key="k")
    assert s.base_url.startswith("https://api.deepseek.com") and s.model
    assert LlmSettings.from_preset("ollama").base_url.startswith("http://localhost:11434")
    with pytest.raises(ValueError):
        LlmSettings.from_preset("vllm")  # no default model: one must be named
    with pytest.raises(ValueError):
        LlmSettings.from_preset("nope")


# ----------------------------------------------------------------------------- key storage
def test_mask():
    from desktop_app.core.augment.secrets import mask

    assert mask(KEY) == "sk-…abcd" and mask("abcdefghijkl") == "…ijkl" and mask("") == "(none)"
    assert mask("short") == "…rt"


def test_key_file_when_no_keyring(tmp_path, monkeypatch):
    import stat

    from desktop_app.core.augment import secrets

    monkeypatch.setenv("STANDARDQ_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.setattr(secrets, "_keyring", lambda: None)
    where = secrets.store_key("deepseek", KEY)
    path = tmp_path / "cfg" / secrets.FILE_NAME
    assert where == str(path) and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secrets.load_key("deepseek") == KEY and secrets.load_key("qwen") is None
    assert secrets.delete_key("deepseek") and secrets.load_key("deepseek") is None


def test_keyring_preferred_when_usable(tmp_path, monkeypatch):
    from desktop_app.core.augment import secrets

    class Backend:
        def __init__(self):
            self.data = {}

        def set_password(self, service, name, key):
            self.data[(service, name)] = key

        def get_password(self, service, name):
            return self.data.get((service, name))

        def delete_password(self, service, name):
            del self.data[(service, name)]

    backend = Backend()
    monkeypatch.setenv("STANDARDQ_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.setattr(secrets, "_keyring", lambda: backend)
    assert secrets.store_key("zhipu", KEY) == "the system keyring"
    assert not (tmp_path / "cfg" / secrets.FILE_NAME).exists()
    assert secrets.load_key("zhipu") == KEY
    assert secrets.delete_key("zhipu") and backend.data == {}
