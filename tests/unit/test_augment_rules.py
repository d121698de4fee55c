"""The rule generator: deterministic for a seed, entity removal, synonyms, typos, dedup, the report."""

import random

from pypinyin import lazy_pinyin

from desktop_app.core.augment.guard import Guard
from desktop_app.core.normalize import dedup_key
from desktop_app.core.augment.rules import AugmentSettings, RuleGenerator, augment_rules

ENTITIES = ["扫地机", "扫地机器人", "洗地机", "X10"]


def test_deterministic_for_a_seed():
    a, _ = RuleGenerator(ENTITIES, seed=3).generate("扫地机器人吸力变小了怎么办？", 20)
    b, _ = RuleGenerator(ENTITIES, seed=3).generate("扫地机器人吸力变小了怎么办？", 20)
    c, _ = RuleGenerator(ENTITIES, seed=4).generate("扫地机器人吸力变小了怎么办？", 20)
    assert a == b and len(a) == 20
    assert a != c


def test_outputs_are_distinct_and_never_the_source_or_a_punctuation_variant():
    source = "扫地机器人吸力变小了怎么办？"
    out, report = RuleGenerator(ENTITIES).generate(source, 40)
    keys = [dedup_key(o) for o in out]
    assert len(set(keys)) == len(keys) == 40 == report.produced
    assert dedup_key(source) not in keys


def test_entity_removal_longest_first_and_on_word_boundaries():
    g = RuleGenerator(ENTITIES)
    rng = random.Random(0)
    assert g._entity("扫地机器人吸力变小了怎么办", rng) == "吸力变小了怎么办"  # never 器人吸力...
    assert g._entity("扫地机的滚刷多久换", rng) == "滚刷多久换"  # its 的 goes too
    assert g._entity("x10吸不起来灰了怎么办", rng) == "吸不起来灰了怎么办"  # case-insensitive (normalised)
    assert g._entity("滚刷多久换", rng) is None
    only_short = RuleGenerator(["扫地机"])
    assert only_short._entity("扫地机器人吸力变小了", rng) is None  # 扫地机 inside 扫地机器人 is not a word
    out, report = g.generate("扫地机器人吸力变小了怎么办", 30)
    assert report.applicable["entity"]
    assert any("扫地" not in o and "吸力" in o for o in out)  # variants without the subject
    assert any("扫地机器人" in o for o in out)  # and with it
    assert not any(o.startswith("器人") or "器人吸力" in o.replace("机器人", "") for o in out)


def test_synonyms_builtin_and_shop_groups_on_word_boundaries():
    g = RuleGenerator(synonyms=[["尘袋", "集尘袋"]])
    assert g._synonym("尘袋多少钱", random.Random(1)) is not None
    outs = {g._synonym("尘袋在哪买", random.Random(i)) for i in range(40)}
    assert "集尘袋在哪买" in outs
    words = {w for _, _, w in g._matches("退货运费谁出", g._phrases)}
    assert {"退货", "运费", "谁出"} <= words  # the tokenizer knows the dictionary: 退货|运费, not 退|货运费
    for i in range(30):  # 怎么 never replaced inside 怎么样
        out = g._synonym("这个颜色怎么样", random.Random(i))
        assert out is None or "样" in out and "如何样" not in out and "咋样" not in out
    _, report = RuleGenerator(builtin=False).generate("这个颜色漂亮", 5)
    assert not report.applicable["synonym"]


def test_typos_keep_the_pinyin():
    g = RuleGenerator()
    source = "退货运费谁出"
    for i in range(30):
        out = g._typo(source, random.Random(i))
        assert out is not None and len(out) == len(source)
        diff = [(a, b) for a, b in zip(source, out) if a != b]
        assert len(diff) == 1
        a, b = diff[0]
        assert lazy_pinyin(a) == lazy_pinyin(b)
        assert a not in "退不没买卖"  # protected: a slip there changes the meaning


def test_openings_and_endings_fit_the_sentence():
    g = RuleGenerator()
    rng = random.Random(0)
    assert g._opening("请问怎么开发票", rng) is None  # already opened
    for i in range(20):
        assert not g._ending("能不能开发票", random.Random(i)).endswith("吗")  # no 能不能...吗
        end = g._ending("发货了吗", random.Random(i))
        assert end.startswith("发货了")
    assert {g._ending("能开发票吗", random.Random(i)) for i in range(40)} >= {"能开发票么", "能开发票不"}


def test_report_says_why_fewer_than_asked():
    out, report = RuleGenerator(builtin=False).generate("好评", 200)
    assert report.produced == len(out) < 200
    reason = report.reason()
    assert "only" in reason and "entity" in reason and "synonym" in reason
    _, full = RuleGenerator().generate("怎么开发票", 5)
    assert full.reason() == ""


def test_settings_round_trip(store):
    shop = store.create_shop("s")
    store.set_shop_settings(shop.id, {"base_model": "keep-me"})
    AugmentSettings(["扫地机", " 扫地机 ", ""], [["尘袋", "集尘袋"], ["单"]]).save(store, shop.id)
    s = AugmentSettings.load(store, shop.id)
    assert s.entities == ["扫地机"] and s.synonyms == [["尘袋", "集尘袋"]]
    assert store.shop_settings(shop.id)["base_model"] == "keep-me"


def test_augment_rules_tops_up_as_pending_and_dedups_across_the_shop(store):
    shop = store.create_shop("r")
    a = store.add_standard(shop.id, "扫地机器人吸力变小了怎么办")
    store.add_similar(a.id, "吸力变弱了")
    b = store.add_standard(shop.id, "怎么开发票")
    AugmentSettings(ENTITIES).save(store, shop.id)
    summary = augment_rules(store, shop.id, per_question=12, guard=Guard(store, shop.id))
    items = store.similars(shop_id=shop.id, source="rules")
    assert summary.added == len(items) == 24 and {s.status for s in items} == {"pending"}
    keys = [dedup_key(s.text) for s in store.similars(shop_id=shop.id)] + [dedup_key(q.text) for q in
                                                                           store.standards(shop.id)]
    assert len(keys) == len(set(keys))
    assert any(s.text.startswith("吸力") or "吸力变弱" in s.text for s in store.similars(a.id, source="rules"))
    again = augment_rules(store, shop.id, per_question=12, guard=Guard(store, shop.id))
    assert again.added == 0 and all("already has 12" in q.note for q in again.questions)
    more = augment_rules(store, shop.id, per_question=15, standard_ids=[b.id], guard=Guard(store, shop.id))
    assert more.added == 3 and len(store.similars(a.id, source="rules")) == 12
