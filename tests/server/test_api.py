"""The matching API over a real socket: endpoints, shims, auth, bad input, the log."""

from __future__ import annotations

import pytest

from desktop_app.core.querylog import QueryLog
from desktop_app.core.store import Store


def test_health_needs_no_token_and_the_rest_does(server):
    assert server.get("/health", token=None) == (200, {"status": "ok", "version": server.get("/health")[1]["version"]})
    status, body = server.get("/v1/shops", token=None)
    assert status == 401 and "token" in body["error"]
    assert server.get("/v1/shops", token="sq-wrong")[0] == 401
    status, shops = server.get("/v1/shops")
    assert status == 200 and shops[0]["name"] == "tiny" and shops[0]["standard_questions"] == 4
    assert server.post("/v1/shops/tiny/query?token=" + server.token, {"text": "发票怎么开"}, token=None)[0] == 200


def test_query_answers_like_the_matcher(server):
    status, body = server.post("/v1/shops/tiny/query", {"text": "发票怎么开", "top_k": 2, "channel": "web",
                                                          "session_id": "s1"})
    assert status == 200
    assert body["decision"] == "answer" and body["matches"][0]["standard_question"] == "怎么开发票"
    assert len(body["matches"]) == 2 and body["query_id"].startswith("q_") and body["model_version"] >= 1
    assert set(body["matches"][0]) == {"id", "standard_question", "category", "answer", "score"}
    # by id too
    shop_id = server.get("/v1/shops")[1][0]["id"]
    assert server.post(f"/v1/shops/{shop_id}/query", {"text": "发票怎么开"})[1]["decision"] == "answer"


def test_batch_keeps_order_and_repeats_come_from_the_cache(server):
    texts = ["发票怎么开", "吸力变弱了", "找不到充电桩", "发票怎么开"]
    status, body = server.post("/v1/shops/tiny/queries", {"texts": texts})
    assert status == 200 and len(body["results"]) == 4
    tops = [r["matches"][0]["standard_question"] for r in body["results"]]
    assert tops == ["怎么开发票", "扫地机器人吸力变小了怎么办", "充电座找不到怎么办", "怎么开发票"]
    again = server.post("/v1/shops/tiny/query", {"text": " 发票怎么开 "})[1]
    assert again["cached"] is True and again["matches"][0]["standard_question"] == "怎么开发票"


@pytest.mark.parametrize("body, status, words", [
    ({"text": ""}, 422, "empty"),
    ({"text": "\x00\x01\x02"}, 422, "empty"),
    ({"text": "问" * 10_000}, 413, "at most"),
    ({"text": 123}, 422, "text"),
    ({"text": "发票", "top_k": "3"}, 422, "top_k"),
    ({"text": "发票", "top_k": 0}, 422, "top_k"),
    ({}, 422, "text"),
])
def test_bad_input_is_a_clear_json_error(server, body, status, words):
    got, payload = server.post("/v1/shops/tiny/query", body)
    assert got == status and words in payload["error"]


def test_control_characters_are_cleaned(server):
    status, body = server.post("/v1/shops/tiny/query", {"text": "发票\x00怎么\x1b开"})
    assert status == 200 and body["matches"]


def test_unknown_shop_broken_json_huge_body(server):
    status, body = server.post("/v1/shops/nope/query", {"text": "发票"})
    assert status == 404 and "nope" in body["error"]
    assert server.post("/v1/shops/tiny/query", raw=b"{not json")[0] == 422
    assert server.post("/v1/shops/tiny/queries", raw=b"x" * 1_100_000)[0] == 413


def test_no_model_yet_is_409(server):
    store = Store(server.home)
    store.create_shop("empty")
    status, body = server.post("/v1/shops/empty/query", {"text": "发票"})
    assert status == 409 and "no model" in body["error"]


def test_feedback_and_the_log(server):
    q = server.post("/v1/shops/tiny/query", {"text": "我的手机13812345678发票怎么开", "session_id": "abc"})[1]
    chosen = q["matches"][1]["id"]
    assert server.post("/v1/shops/tiny/feedback", {"query_id": q["query_id"], "helpful": False,
                                                   "chosen_id": chosen}) == (200, {"ok": True})
    assert server.post("/v1/shops/tiny/feedback", {"query_id": "q_nope", "helpful": True})[0] == 404
    assert server.post("/v1/shops/tiny/feedback", {"query_id": q["query_id"]})[0] == 422
    assert server.post("/v1/shops/tiny/feedback", {"query_id": q["query_id"], "chosen_id": 99999})[0] == 422
    (row,) = [r for r in QueryLog(server.home / "querylog.sqlite").rows() if r.id == q["query_id"]]
    assert row.text == "我的手机[手机号]发票怎么开" and row.session == "abc"  # masked by default
    assert row.helpful is False and row.chosen_id == chosen and row.decision == q["decision"]


def test_rasa_shim(server):
    status, body = server.post("/model/parse", {"text": "发票怎么开"})
    assert status == 200
    assert body["intent"]["name"] == "怎么开发票" and 0.9 < body["intent"]["confidence"] <= 1.0001
    assert body["intent_ranking"][0]["name"] == "怎么开发票" and body["entities"] == []
    assert server.post("/model/parse?shop=tiny", {"text": "今天天气怎么样呀朋友"})[1]["intent"]["name"] in (
        "nlu_fallback", "怎么开发票", "退货运费谁出", "扫地机器人吸力变小了怎么办", "充电座找不到怎么办")


def test_dify_shim(server):
    body = {"knowledge_id": "tiny", "query": "发票怎么开", "retrieval_setting": {"top_k": 2, "score_threshold": 0.5}}
    status, out = server.post("/retrieval", body)
    assert status == 200 and 1 <= len(out["records"]) <= 2
    record = out["records"][0]
    assert record["title"] == "怎么开发票" and record["score"] >= 0.5 and isinstance(record["metadata"], dict)
    assert all(r["score"] >= 0.5 for r in out["records"])
    status, err = server.post("/retrieval", {**body, "knowledge_id": "nope"})
    assert status == 404 and err["error_code"] == 2001
    status, err = server.post("/retrieval", body, token="wrong")
    assert status == 401 and err["error_code"] == 1001


def test_openapi_page(server):
    status, spec = server.get("/openapi.json", token=None)
    assert status == 200 and "/v1/shops/{shop}/query" in spec["paths"] and "/retrieval" in spec["paths"]
