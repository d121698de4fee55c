"""The data doctor on a tiny shop with planted problems."""

from desktop_app.core.doctor import examine, summary
from desktop_app.core.matcher import Matcher
from desktop_app.core.pipeline import ensure_model


def kinds(findings, kind):
    return [f for f in findings if f.kind == kind]


def test_planted_problems_are_found_most_serious_first(store, tiny_shop, monkeypatch):
    from desktop_app.core import doctor

    # The tiny random encoder puts every text within a few hundredths of cosine of every other:
    # the gaps that mean "clearly closer" for the real encoder are scaled down with it.
    monkeypatch.setattr(doctor, "FAR_GAP", 0.01)
    invoice = store.find_standard(tiny_shop.id, "怎么开发票")
    refund = store.find_standard(tiny_shop.id, "退货运费谁出")
    store.add_similar(invoice.id, "运费谁承担？")  # "运费谁承担" belongs to 退货运费谁出: a duplicate
    mislabelled = store.add_similar(invoice.id, "退货运费谁出呀")  # written under the wrong question
    lonely = store.add_standard(tiny_shop.id, "滚刷多久换一次")
    store.add_similar(lonely.id, "主刷多久更换")
    a = store.add_standard(tiny_shop.id, "充电座在哪里买")
    b = store.add_standard(tiny_shop.id, "充电座在哪儿买")
    # The same question written twice: their similar questions are drawn from one pool, so they mix.
    pool = ("充电座在哪购买", "哪里能买充电座", "充电座购买渠道", "充电座有卖吗", "买个充电座", "充电座哪有卖",
            "想买充电座", "充电座去哪买", "单独买充电座", "充电座怎么买")
    for i, text in enumerate(pool):
        store.add_similar(a.id if i % 2 else b.id, text)
    ensure_model(store, tiny_shop.id)
    findings = examine(store, tiny_shop.id, Matcher.open(store, tiny_shop.id))
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["problem", "warning", "info"].index)

    dup = [f for f in kinds(findings, "duplicate_across") if "运费谁承担" in f.message]
    assert dup and set(dup[0].standard_ids) == {invoice.id, refund.id}
    near = [f for f in kinds(findings, "near_duplicate") if mislabelled.id in f.similar_ids]
    assert near
    owner_of = {near[0].args["a"]: near[0].args["a_standard"], near[0].args["b"]: near[0].args["b_standard"]}
    assert owner_of == {"退货运费谁出呀": "怎么开发票", "退货运费谁出": "退货运费谁出"}  # each with its own question
    far = [f for f in kinds(findings, "far_similar") if mislabelled.id in f.similar_ids]
    assert far and far[0].standard_ids == [invoice.id, refund.id]
    few = [f for f in kinds(findings, "too_few") if f.standard_ids == [lonely.id]]
    assert few and few[0].severity == "warning" and "has 1 similar questions" in few[0].message
    close = kinds(findings, "close_standards")
    assert any(set(f.standard_ids) == {a.id, b.id} for f in close)
    assert summary(findings)["problem"] >= 2


def test_without_a_model_only_the_text_checks_run(store, tiny_shop):
    invoice = store.find_standard(tiny_shop.id, "怎么开发票")
    store.add_similar(invoice.id, "运费，谁承担")
    findings = examine(store, tiny_shop.id, None)
    assert {f.kind for f in findings} <= {"duplicate_across", "too_few"}
    assert kinds(findings, "duplicate_across")
    assert all(f.to_dict()["message"] for f in findings)


def test_subcenter_outliers_are_listed(store, tiny_shop):
    ensure_model(store, tiny_shop.id)
    findings = examine(store, tiny_shop.id, Matcher.open(store, tiny_shop.id), outliers=["吸不干净了"])
    assert any(f.kind == "subcenter_outlier" and f.args["text"] == "吸不干净了" for f in findings)


def test_a_catch_all_question_that_off_topic_messages_land_on_is_named(store, tiny_shop, monkeypatch):
    from desktop_app.core import offtopic
    from desktop_app.core.matcher import set_threshold_override

    # Messages that share most of their words with one standard question's similar questions land
    # on it (the tiny model reads characters); the doctor names that question, with examples.
    chat = tuple("哈哈" + t for t in ("吸力变弱了", "吸不干净了", "吸尘没劲", "吸力不够怎么回事", "扫地机没吸力",
                                     "吸力越来越小")) + ("今天天气怎么样", "给我讲个笑话")
    monkeypatch.setattr(offtopic, "builtin_offtopic", lambda: chat)
    ensure_model(store, tiny_shop.id)
    set_threshold_override(store, tiny_shop.id, suggest=-1.0)  # every landing counts
    findings = examine(store, tiny_shop.id, Matcher.open(store, tiny_shop.id))
    catch_all = [f for f in findings if f.kind == "catch_all"]
    assert len(catch_all) == 1 and catch_all[0].args["standard"] == "扫地机器人吸力变小了怎么办"
    assert catch_all[0].args["total"] == len(chat) and catch_all[0].args["n"] >= 5
    assert "哈哈" in catch_all[0].args["examples"] and catch_all[0].severity == "warning"
