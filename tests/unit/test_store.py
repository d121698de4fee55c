import sqlite3

import pytest

from desktop_app.core.io_formats import ImportRow
from desktop_app.core.normalize import normalize_text
from desktop_app.core.store import ConflictError, NotFoundError, Store, ValidationError


def dump(store):
    """Everything in the shop tables, to check a failed action changed nothing."""
    return [store.db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("shops", "standard_questions", "similar_questions")]


def test_normalize_width_case_space_traditional():
    assert normalize_text("  ＡＢＣ  扫地机\t\n吸力 ") == "abc 扫地机 吸力"
    assert normalize_text("掃地機器人吸力變小了怎麼辦") == "扫地机器人吸力变小了怎么办"
    assert normalize_text("   ") == ""


def test_migrations_apply_once(tmp_path):
    s = Store(tmp_path)
    s.close()
    s = Store(tmp_path)  # reopening applies nothing twice
    n = s.db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]
    assert n >= 1
    assert "standard_questions" in s.db.table_names()


def test_broken_database_file_is_a_clear_error(tmp_path):
    (tmp_path / Store.FILENAME).write_bytes(b"this is not sqlite" * 100)
    from desktop_app.core.store import StoreError

    with pytest.raises(StoreError, match="cannot open the database"):
        Store(tmp_path)


def test_shops_side_by_side(store):
    a = store.create_shop("A")
    b = store.create_shop("B")
    store.add_standard(a.id, "怎么开发票")
    store.add_standard(b.id, "怎么开发票")  # same text in another shop is fine
    assert [s.name for s in store.shops()] == ["A", "B"]
    with pytest.raises(ConflictError):
        store.create_shop("A")
    with pytest.raises(NotFoundError, match="no shop named 'C'"):
        store.shop("C")
    store.rename_shop(a.id, "A2")
    store.delete_shop(b.id)
    assert [s.name for s in store.shops()] == ["A2"]


def test_standard_text_unique_after_normalisation(store):
    shop = store.create_shop("s")
    store.add_standard(shop.id, "掃地機吸力變小")
    before = dump(store)
    with pytest.raises(ConflictError, match="already the standard question"):
        store.add_standard(shop.id, "扫地机吸力变小 ")
    assert dump(store) == before


@pytest.mark.parametrize("text,msg", [("", "empty"), ("   ", "empty"), ("长" * 501, "501 characters")])
def test_bad_text_is_rejected_and_nothing_written(store, text, msg):
    shop = store.create_shop("s")
    sq = store.add_standard(shop.id, "怎么开发票")
    before = dump(store)
    with pytest.raises(ValidationError, match=msg):
        store.add_standard(shop.id, text)
    with pytest.raises(ValidationError, match=msg):
        store.add_similar(sq.id, text)
    assert dump(store) == before


def test_similar_conflicts_reported_not_merged(store):
    shop = store.create_shop("s")
    a = store.add_standard(shop.id, "怎么开发票")
    b = store.add_standard(shop.id, "退货运费谁出")
    store.add_similar(a.id, "发票怎么开")
    before = dump(store)
    with pytest.raises(ConflictError, match="similar question of '怎么开发票'"):
        store.add_similar(b.id, "发票怎么开")
    with pytest.raises(ConflictError, match="already the standard question"):
        store.add_similar(a.id, "退货运费谁出")
    assert dump(store) == before


def test_edits_bump_revision_and_index_entries_follow(store):
    shop = store.create_shop("s")
    r0 = store.shop(shop.id).revision
    a = store.add_standard(shop.id, "怎么开发票")
    sim = store.add_similar(a.id, "发票怎么开")
    pending = store.add_similar(a.id, "能开专票吗", source="rules", status="pending")
    assert store.shop(shop.id).revision > r0
    labels = {e.label for e in store.index_entries(shop.id)}
    assert labels == {2 * a.id, 2 * sim.id + 1}  # pending ones are not matched
    store.set_similar_status([pending.id], "accepted")
    assert len(store.index_entries(shop.id)) == 3
    store.update_standard(a.id, enabled=False)  # disabled: none of its entries is matched
    assert store.index_entries(shop.id) == []


def test_move_similar_and_delete_cascades(store):
    shop = store.create_shop("s")
    a = store.add_standard(shop.id, "怎么开发票")
    b = store.add_standard(shop.id, "发票抬头写错了")
    sim = store.add_similar(a.id, "发票能改抬头吗")
    store.update_similar(sim.id, standard_id=b.id)
    assert store.similars(b.id)[0].text == "发票能改抬头吗"
    store.delete_standard(b.id)
    with pytest.raises(NotFoundError):
        store.similar(sim.id)


def rows(*pairs, **kw):
    return [ImportRow(row=i + 2, standard_question=s, similar_question=m, **kw) for i, (s, m) in enumerate(pairs)]


def test_import_merges_and_counts_identical(store):
    shop = store.create_shop("s")
    r = store.import_rows(shop.id, rows(("怎么开发票", "发票怎么开"), ("怎么开发票", "能开发票吗"), ("退货运费", None)))
    assert (r.added_standard, r.added_similar, r.skipped_identical) == (2, 2, 0)
    r = store.import_rows(shop.id, rows(("怎么开发票", "发票怎么开"), ("退货运费", None), ("退货运费", "退货谁出运费")))
    assert (r.added_standard, r.added_similar, r.skipped_identical) == (0, 1, 2)


def test_import_conflict_aborts_everything_unless_skipped(store):
    shop = store.create_shop("s")
    store.import_rows(shop.id, rows(("怎么开发票", "发票怎么开")))
    before = dump(store)
    bad = rows(("新问题", "新的相似问"), ("退货运费", "发票怎么开"))
    with pytest.raises(ConflictError) as err:
        store.import_rows(shop.id, bad)
    assert err.value.conflicts[0].row == 3
    assert dump(store) == before  # the good first row was not written either
    report = store.import_rows(shop.id, bad, skip_conflicts=True)
    assert report.added_standard == 2 and report.added_similar == 1 and len(report.conflicts) == 1


def test_export_rows_round_trip_shape(store):
    shop = store.create_shop("s")
    store.import_rows(shop.id, rows(("怎么开发票", "发票怎么开"), ("退货运费", None), category="售后", answer="a,b\nc"))
    out = store.export_rows(shop.id)
    assert out[0] == {"standard_question": "怎么开发票", "category": "售后", "answer": "a,b\nc", "enabled": True,
                      "similar_question": "发票怎么开", "source": "imported", "status": "accepted"}
    assert out[1]["similar_question"] is None


def test_versions_single_active(store):
    shop = store.create_shop("s")
    v1 = store.add_version(shop.id, base_model="b", loss="arcface", params={"m": 0.2}, status="ready")
    v2 = store.add_version(shop.id, base_model="b", loss="arcface", status="ready")
    store.activate_version(v1.id)
    store.activate_version(v2.id)
    assert store.active_version(shop.id).id == v2.id
    assert store.version(v1.id).params == {"m": 0.2} and not store.version(v1.id).active


def test_serving_state_follows_edits_activation_and_settings(store):
    shop = store.create_shop("s")
    assert store.active_version_id(shop.id) is None and store.serving_state(shop.id)[1] is None
    v1 = store.add_version(shop.id, base_model="b", loss="arcface", status="ready")
    store.activate_version(v1.id)
    first = store.serving_state(shop.id)
    assert first[1] == v1.id == store.active_version_id(shop.id)
    store.add_standard(shop.id, "怎么开发票")
    second = store.serving_state(shop.id)
    assert second[0] > first[0] and second[1:] == first[1:]
    store.set_shop_settings(shop.id, {"thresholds": {"answer": 0.9}})
    third = store.serving_state(shop.id)
    assert third[2] != second[2] and third[:2] == second[:2]
    v2 = store.add_version(shop.id, base_model="b", loss="arcface", status="ready")
    store.activate_version(v2.id)
    assert store.serving_state(shop.id)[1] == v2.id
    with pytest.raises(NotFoundError):
        store.serving_state(9999)


def test_snapshot_hash_changes_with_data(store):
    shop = store.create_shop("s")
    a = store.add_standard(shop.id, "怎么开发票")
    h1 = store.training_snapshot(shop.id)["data_hash"]
    store.add_similar(a.id, "发票怎么开")
    snap = store.training_snapshot(shop.id)
    assert snap["data_hash"] != h1 and snap["classes"][0]["similar"] == ["发票怎么开"]
