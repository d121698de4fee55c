import pytest

# Four standard questions with six similar questions each: enough for a validation split.
TINY_SHOP = {
    "怎么开发票": ["发票怎么开", "能开发票吗", "开票流程是什么", "我要开个发票", "电子发票在哪里下载", "发票抬头怎么填"],
    "退货运费谁出": ["退货要我出运费吗", "运费谁承担", "退回去邮费谁付", "退货邮费报销吗", "寄回运费怎么算", "退货包邮吗"],
    "扫地机器人吸力变小了怎么办": ["吸力变弱了", "吸不干净了", "吸尘没劲", "吸力不够怎么回事", "扫地机没吸力", "吸力越来越小"],
    "充电座找不到怎么办": ["机器回不去充电座", "找不到充电桩", "不会自动回充", "回充失败", "充电座识别不了", "扫完不回去充电"],
}


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    from tests.tiny_model import build_tiny_bert

    return build_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert")


@pytest.fixture
def tiny_shop(store, tiny_model, tmp_path, monkeypatch):
    """A shop whose base encoder is the tiny model; model cache isolated in tmp."""
    from desktop_app.core.io_formats import ImportRow

    monkeypatch.setenv("STANDARDQ_CACHE", str(tmp_path / "cache"))
    shop = store.create_shop("tiny")
    store.set_shop_settings(shop.id, {"base_model": str(tiny_model)})
    rows = [ImportRow(row=0, standard_question=sq, similar_question=sim)
            for sq, sims in TINY_SHOP.items() for sim in sims]
    store.import_rows(shop.id, rows)
    return shop
