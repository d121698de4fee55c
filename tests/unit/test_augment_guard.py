"""The guard: text checks, duplicates in the question and across the shop, and the encoder check."""

import numpy as np
import pytest

from desktop_app.core.augment import review
from desktop_app.core.augment.guard import Guard
from desktop_app.core.normalize import dedup_key


@pytest.fixture
def shop2(store):
    shop = store.create_shop("g")
    a = store.add_standard(shop.id, "怎么开发票")
    store.add_similar(a.id, "发票怎么开")
    b = store.add_standard(shop.id, "退货运费谁出")
    store.add_similar(b.id, "运费谁承担")
    store.add_similar(b.id, "退回去邮费谁付", source="rules", status="rejected")
    return shop, a, b


def test_dedup_key_ignores_punctuation_space_width_and_script():
    assert dedup_key("发票 怎么开？！") == dedup_key("發票怎麼開") == dedup_key("发票，怎么开")
    assert dedup_key("X10 吸力") == dedup_key("ｘ１０吸力")
    assert dedup_key("发票怎么开") != dedup_key("发票咋开")


def test_text_checks(store, shop2):
    shop, a, b = shop2
    guard = Guard(store, shop.id)
    r = guard.filter(a.id, ["开", "怎么开发票？", "发票，怎么开!", "电子发票在哪下载", "电子发票 在哪下载",
                            "运费谁承担", "退回去邮费谁付", "我" * 61, "开发票" * 6, "能开票吗"])
    assert r.kept == ["电子发票在哪下载", "能开票吗"]
    assert r.dropped == {"too_short": 1, "same_as_source": 1, "duplicate": 2, "duplicate_other": 2, "too_long": 2}
    assert ("运费谁承担", "duplicate_other") in r.dropped_items


def test_duplicates_across_calls_and_pending_or_rejected_items(store, shop2):
    shop, a, b = shop2
    guard = Guard(store, shop.id)
    assert guard.filter(a.id, ["能开票吗"]).kept == ["能开票吗"]
    assert guard.filter(a.id, ["能开票吗？"]).dropped == {"duplicate": 1}  # kept earlier in this run
    assert guard.filter(a.id, ["退回去，邮费谁付"]).dropped == {"duplicate_other": 1}  # even a rejected one
    r = guard.filter(a.id, [("开个发票", "我要开个发票吧"), ("开发票开发票开发票开发票", "开发票")])
    assert r.kept == ["开个发票"] and r.dropped == {"too_long": 1}  # length is judged against its own source


def test_limit_keeps_the_first_and_remembers_only_those(store, shop2):
    shop, a, _ = shop2
    guard = Guard(store, shop.id)
    r = guard.filter(a.id, ["能开票吗", "开票流程", "发票抬头"], limit=2)
    assert r.kept == ["能开票吗", "开票流程"]
    assert guard.filter(a.id, ["发票抬头"]).kept == ["发票抬头"]


class KeywordEncoder:
    """2-d vectors by keyword: 票 -> x axis, 运/邮 -> y axis. Makes the encoder check deterministic."""

    def encode(self, texts, batch_size=64):
        rows = []
        for t in texts:
            v = np.array([t.count("票"), t.count("运") + t.count("邮")], dtype=np.float32) + 1e-3
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows)


def test_encoder_check_drops_what_sits_closer_to_another_question(store, shop2):
    shop, a, b = shop2
    entries = store.index_entries(shop.id)
    enc = KeywordEncoder()
    guard = Guard(store, shop.id, enc, enc.encode([e.norm for e in entries]), [e.standard_id for e in entries])
    assert guard.checks_encoder
    r = guard.filter(a.id, ["发票能开吗", "开票要付运费和邮费吗"])
    assert r.kept == ["发票能开吗"] and r.dropped == {"closer_to_other": 1}
    r = guard.filter(b.id, ["运费怎么算"])
    assert r.kept == ["运费怎么算"]


def test_encoder_check_with_the_shops_real_model(store, tiny_shop):
    from desktop_app.core.pipeline import ensure_model

    ensure_model(store, tiny_shop.id)
    guard = Guard.for_shop(store, tiny_shop.id)
    assert guard.checks_encoder and len(guard.vectors) == len(store.index_entries(tiny_shop.id))
    refund = store.find_standard(tiny_shop.id, "退货运费谁出")
    # Proposed for the refund question, but almost word for word another question's similar question.
    r = guard.filter(refund.id, ["电子发票在哪里下载呀", "退货要我出运费吗亲"])
    assert r.dropped == {"closer_to_other": 1} and r.kept == ["退货要我出运费吗亲"]


def test_review_accepts_or_rejects_pending_by_scope(store, shop2):
    shop, a, b = shop2
    for text, sq, source in (("能开票吗", a, "rules"), ("开票流程", a, "llm"), ("运费怎么算", b, "llm")):
        store.add_similar(sq.id, text, source=source, status="pending")
    assert review(store, shop.id, "accepted", source="llm", standard_id=a.id) == 1
    assert review(store, shop.id, "rejected", source="rules") == 1
    assert review(store, shop.id, "accepted") == 1
    assert store.similars(shop_id=shop.id, status="pending") == []
    status = {s.text: s.status for s in store.similars(shop_id=shop.id)}
    assert status["开票流程"] == "accepted" and status["能开票吗"] == "rejected" and status["运费怎么算"] == "accepted"
    snapshot = store.training_snapshot(shop.id)
    trained = [t for c in snapshot["classes"] for t in c["similar"]]
    assert "能开票吗" not in trained and "开票流程" in trained
