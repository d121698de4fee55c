"""The installed `standardq` command, end to end on a tiny model; bad inputs leave the store unchanged."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.conftest import TINY_SHOP

EXE = shutil.which("standardq", path=str(Path(sys.executable).parent)) or shutil.which("standardq")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from tests.tiny_model import build_tiny_bert

    root = tmp_path_factory.mktemp("cli")
    model = build_tiny_bert(root / "bert")
    e = {**os.environ, "STANDARDQ_CACHE": str(root / "cache"), "STANDARDQ_HOME": str(root / "unused-home")}
    return {"env": e, "model": model, "root": root}


def run(env, home, *args, ok=True):
    proc = subprocess.run([EXE, "--home", str(home), *args], env=env["env"], capture_output=True,
                          text=True, timeout=300)
    if ok and proc.returncode != 0:
        raise AssertionError(f"{args} failed: {proc.stderr}")
    return proc


def write_csv(path, pairs, header="standard_question,similar_question", encoding="utf-8"):
    lines = [header] + [f"{a},{b}" for a, b in pairs]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def tiny_csv(path, encoding="utf-8"):
    pairs = [(sq, sim) for sq, sims in TINY_SHOP.items() for sim in sims]
    return write_csv(path, pairs, header="标准问,相似问", encoding=encoding)


def db_dump(home):
    import sqlite3

    con = sqlite3.connect(Path(home) / "standardq.db")
    try:
        return [con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("shops", "standard_questions", "similar_questions", "model_versions")]
    finally:
        con.close()


def test_full_cycle(env, tmp_path):
    home = tmp_path / "h"
    assert EXE, "the standardq console script is not installed"
    run(env, home, "shop", "create", "店", "--base-model", str(env["model"]))
    out = run(env, home, "import", "--shop", "店", str(tiny_csv(tmp_path / "in.csv", "gb18030"))).stdout
    assert "4 standard questions added" in out and "24 similar questions added" in out
    # Answered before any training, by the untuned base encoder.
    q = json.loads(run(env, home, "query", "--shop", "店", "--json", "发票怎么开").stdout)
    assert q["decision"] in ("answer", "suggest", "no_match")
    assert q["matches"][0]["standard_question"] == "怎么开发票"
    assert set(q["matches"][0]) == {"id", "standard_question", "category", "answer", "score"}
    run(env, home, "train", "--shop", "店", "--epochs", "1")
    q2 = json.loads(run(env, home, "query", "--shop", "店", "--json", "发票怎么开").stdout)
    assert q2["model_version"] != q["model_version"]
    # predict: one object per line, in order; an empty line is no_match with no matches.
    (tmp_path / "q.txt").write_text("发票怎么开\n\n吸力变弱了\n", encoding="utf-8")
    run(env, home, "predict", "--shop", "店", "--input", str(tmp_path / "q.txt"), "--output", str(tmp_path / "o.jsonl"))
    lines = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["query"] for x in lines] == ["发票怎么开", "", "吸力变弱了"]
    assert lines[1]["decision"] == "no_match" and lines[1]["matches"] == []
    assert lines[2]["matches"][0]["standard_question"] == "扫地机器人吸力变小了怎么办"
    # add / remove reach the index without retraining
    run(env, home, "add", "--shop", "店", "--standard", "尘袋多少钱一个", "--category", "配件")
    q3 = json.loads(run(env, home, "query", "--shop", "店", "--json", "尘袋多少钱一个").stdout)
    assert q3["matches"][0]["standard_question"] == "尘袋多少钱一个"
    run(env, home, "remove", "--shop", "店", "--standard", "尘袋多少钱一个")
    q4 = json.loads(run(env, home, "query", "--shop", "店", "--json", "尘袋多少钱一个").stdout)
    assert all(m["standard_question"] != "尘袋多少钱一个" for m in q4["matches"])
    # export -> import into a new shop is lossless
    for ext in ("csv", "xlsx", "json"):
        run(env, home, "export", "--shop", "店", str(tmp_path / f"out.{ext}"))
        run(env, home, "import", "--shop", f"copy-{ext}", "--create", str(tmp_path / f"out.{ext}"))
        a = json.loads(run(env, home, "list", "--shop", "店", "--similar", "--json").stdout)
        b = json.loads(run(env, home, "list", "--shop", f"copy-{ext}", "--similar", "--json").stdout)
        strip = lambda items: [(i["standard_question"], i["category"], i["answer"], i["enabled"],
                                [(s["text"], s["source"], s["status"]) for s in i["similar"]]) for i in items]
        assert strip(a) == strip(b)
    versions = run(env, home, "versions", "--shop", "店").stdout
    assert "arcface" in versions and "none" in versions


def test_bad_inputs_give_one_line_and_change_nothing(env, tmp_path):
    home = tmp_path / "h"
    run(env, home, "shop", "create", "店", "--base-model", str(env["model"]))
    run(env, home, "import", "--shop", "店", str(tiny_csv(tmp_path / "in.csv")))
    before = db_dump(home)
    conflict = write_csv(tmp_path / "c.csv", [("全新的问题", "一个新说法"), ("退货运费谁出", "发票怎么开")])
    bad_enc = tmp_path / "bad.csv"
    bad_enc.write_bytes(b"standard_question,similar_question\n\xff\xfe\xfa\xfb,\x81\n")
    broken_xlsx = tmp_path / "broken.xlsx"
    broken_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    huge = write_csv(tmp_path / "huge.csv", [("长" * 600, "")])
    cases = [
        (["import", "--shop", "店", str(conflict)], "conflict"),
        (["import", "--shop", "店", str(bad_enc)], "bad.csv"),
        (["import", "--shop", "店", str(broken_xlsx)], "broken.xlsx"),
        (["import", "--shop", "店", str(huge)], "huge.csv"),
        (["import", "--shop", "店", str(tmp_path / "missing.csv")], "missing.csv"),
        (["import", "--shop", "没有这个店", str(conflict)], "no shop named"),
        (["add", "--shop", "店", "--standard", "   "], "empty"),
        (["add", "--shop", "店", "--standard", "怎么开发票"], "already"),
        (["add", "--shop", "店", "--similar", "发票怎么开", "--to", "退货运费谁出"], "already a similar question"),
        (["query", "--shop", "没有这个店", "x"], "no shop named"),
        (["train", "--shop", "店", "--epochs", "0"], "epochs must be positive"),
    ]
    for args, msg in cases:
        proc = run(env, home, *args, ok=False)
        assert proc.returncode != 0, args
        err = proc.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("standardq: error:") and msg in err[0], (args, proc.stderr)
        assert db_dump(home) == before, args
    # skip-conflicts imports the good row and reports the bad one
    out = run(env, home, "import", "--shop", "店", "--skip-conflicts", str(conflict))
    assert "1 conflicts left out" in out.stdout and "发票怎么开" in out.stderr


def test_no_model_for_an_empty_shop(env, tmp_path):
    home = tmp_path / "h"
    run(env, home, "shop", "create", "空店")
    proc = run(env, home, "query", "--shop", "空店", "你好", ok=False)
    assert proc.returncode == 1 and "no enabled questions yet" in proc.stderr
    proc = run(env, home, "train", "--shop", "空店", ok=False)
    assert proc.returncode == 1 and "at least 2" in proc.stderr


def test_negatives_add_list_remove(env, tmp_path):
    home = tmp_path / "h"
    csv = write_csv(tmp_path / "shop.csv", [(sq, sim) for sq, sims in TINY_SHOP.items() for sim in sims])
    run(env, home, "shop", "create", "店", "--base-model", str(env["model"]))
    run(env, home, "import", "--shop", "店", str(csv))
    lines = tmp_path / "neg.txt"
    lines.write_bytes("给我讲个笑话\n附近餐馆电话多少\n\n".encode("gb18030"))  # a GBK-family file
    out = run(env, home, "negatives", "add", "--shop", "店", "今天天气怎么样", "--file", str(lines)).stdout
    assert "3 messages" in out and "no retraining" in out
    listed = json.loads(run(env, home, "negatives", "list", "--shop", "店", "--json").stdout)
    assert [n["text"] for n in listed] == ["今天天气怎么样", "给我讲个笑话", "附近餐馆电话多少"]
    proc = run(env, home, "negatives", "add", "--shop", "店", "发票怎么开", ok=False)  # a similar question
    assert proc.returncode == 1 and "cannot also match nothing" in proc.stderr
    assert len(json.loads(run(env, home, "negatives", "list", "--shop", "店", "--json").stdout)) == 3
    assert "1 negatives removed" in run(env, home, "negatives", "remove", "--shop", "店", str(listed[0]["id"])).stdout
    proc = run(env, home, "negatives", "remove", "--shop", "店", "abc", ok=False)
    assert proc.returncode == 1 and "ids" in proc.stderr
    # the query path follows them: the marked message gets no answer
    result = json.loads(run(env, home, "query", "--shop", "店", "--json", "给我讲个笑话").stdout)
    assert result["decision"] != "answer" and result["offtopic"]["own"] and result["offtopic"]["score"] > 0.99
