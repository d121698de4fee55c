"""Small shops for the editor tests, built through the store (the GUI's own code is under test)."""

from __future__ import annotations

from desktop_app.core.io_formats import ImportRow

SHOP = {
    ("怎么开发票", "售后", "在订单详情页申请电子发票。"): ["发票怎么开", "能开发票吗"],
    ("退货运费谁出", "售后", "质量问题运费由我们承担。"): ["运费谁承担"],
    ("扫地机器人吸力变小了怎么办", "清洁", "请清理尘盒和滤网。"): ["吸力变弱了", "吸不干净了"],
}


def seed(store, name: str = "店A"):
    """A shop with three standard questions and five similar questions."""
    shop = store.create_shop(name)
    rows = [ImportRow(row=0, standard_question=sq, similar_question=sim, category=cat, answer=answer)
            for (sq, cat, answer), sims in SHOP.items() for sim in sims]
    store.import_rows(shop.id, rows)
    return shop


def db_dump(store):
    """Every row of the question tables and the shops' revisions: compared to prove nothing was written."""
    return [store.db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("shops", "standard_questions", "similar_questions")]


def similar_id(store, shop_id: int, text: str) -> int:
    return next(s.id for s in store.similars(shop_id=shop_id) if s.text == text)
