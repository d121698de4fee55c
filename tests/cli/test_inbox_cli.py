"""`standardq log-import` and `standardq inbox` end to end, in-process, on the tiny model."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from tests.unit.conftest import TINY_SHOP, tiny_model, tiny_shop  # noqa: F401 - fixtures reused
from tests.unit.test_chatlog_import import CHAT, HEADER, write_csv


@pytest.fixture
def home(store, tiny_shop):
    from desktop_app.core.pipeline import ensure_model

    ensure_model(store, tiny_shop.id)
    return str(store.home)


def cli(capsys, home, *args):
    code = main(["--home", home, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_fix_undo(capsys, home, store, tiny_shop, tmp_path):
    path = write_csv(tmp_path / "chat.csv", [HEADER, *CHAT, ["s9", "", "买家", "有没有赠品"]])
    code, out, _ = cli(capsys, home, "log-import", "--shop", "tiny", str(path), "--preview")
    assert code == 0 and "消息内容" in out and "consumer: 买家, 顾客" in out
    code, out, _ = cli(capsys, home, "log-import", "--shop", "tiny", str(path))
    assert code == 0 and "6 messages logged" in out and "2 from other senders" in out

    code, out, _ = cli(capsys, home, "inbox", "--shop", "tiny", "--json", "--distance", "0.0001")
    listing = json.loads(out)
    assert code == 0 and listing["open"]["messages"] >= 1
    group = next(g for g in listing["groups"] if g["representative"] == "有没有赠品")
    assert len(group["nearest"]) == 3

    sq = store.find_standard(tiny_shop.id, "怎么开发票")
    code, out, _ = cli(capsys, home, "inbox", "add", str(group["id"]), "--to", "怎么开发票", "--shop", "tiny")
    assert code == 0 and "added 1 texts as similar questions of '怎么开发票'" in out
    assert [s.text for s in store.similars(sq.id, source="log")] == ["有没有赠品"]
    code, out, _ = cli(capsys, home, "inbox", "--shop", "tiny", "--json", "--no-update")
    assert group["id"] not in [g["id"] for g in json.loads(out)["groups"]]
    assert json.loads(out)["similar_from_log_since_training"] == 1

    code, out, _ = cli(capsys, home, "inbox", "--shop", "tiny", "undo")
    assert code == 0 and "1 texts are back in the inbox" in out
    assert store.similars(sq.id, source="log") == []
    code, out, _ = cli(capsys, home, "inbox", "--shop", "tiny", "none", str(group["id"]))
    assert code == 0 and [n.text for n in store.negatives(tiny_shop.id)] == ["有没有赠品"]
    code, out, _ = cli(capsys, home, "inbox", "--shop", "tiny", "history", "--json")
    assert [a["kind"] for a in json.loads(out)] == ["none", "add"]


def test_bad_arguments_are_one_line_errors(capsys, home, tmp_path):
    path = write_csv(tmp_path / "chat.csv", [["会话", "角色", "内容"], ["1", "A", "在吗"], ["1", "B", "在的"]])
    code, _, err = cli(capsys, home, "log-import", "--shop", "tiny", str(path))
    assert code == 1 and "which senders are the consumer" in err and ("A, B" in err or "B, A" in err)
    code, out, _ = cli(capsys, home, "log-import", "--shop", "tiny", str(path), "--consumer", "A")
    assert code == 0 and "1 messages logged" in out
    code, _, err = cli(capsys, home, "inbox", "--shop", "tiny", "ignore", "9999")
    assert code == 1 and "no inbox group 9999" in err
    code, _, err = cli(capsys, home, "inbox", "--shop", "tiny", "undo")
    assert code == 1 and "nothing to undo" in err
    code, _, err = cli(capsys, home, "log-import", "--shop", "tiny", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv" in err
