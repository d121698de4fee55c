"""`standardq eval / testset / thresholds / doctor` through the installed command, on a tiny model."""

import json

import pytest

from tests.cli.test_cli import env, run, tiny_csv, write_csv  # noqa: F401 - env is a fixture


@pytest.fixture
def home(env, tmp_path):  # noqa: F811
    h = tmp_path / "h"
    run(env, h, "shop", "create", "店", "--base-model", str(env["model"]))
    run(env, h, "import", "--shop", "店", str(tiny_csv(tmp_path / "in.csv")))
    return h


def test_eval_testset_thresholds_and_doctor(env, home, tmp_path):  # noqa: F811
    run(env, home, "query", "--shop", "店", "发票怎么开")  # builds the untuned version
    run(env, home, "testset", "--shop", "店", "--add", "我要开张发票", "--expect", "怎么开发票")
    run(env, home, "testset", "--shop", "店", "--add", "今天股市怎么样", "--none")
    listed = run(env, home, "testset", "--shop", "店")
    assert "我要开张发票\t怎么开发票" in listed.stdout and "(none)" in listed.stdout
    assert "2 test questions (1 in scope, 1 that must match nothing)" in listed.stderr

    report = json.loads(run(env, home, "eval", "--shop", "店", "--json").stdout)
    assert report["held_out"]["in_scope"] == "test questions" and report["held_out"]["n_in_scope"] == 1
    assert set(report["models"]["untuned"]) >= {"best", "centroid", "thresholds", "on_report_half"}
    text = run(env, home, "eval", "--shop", "店").stdout
    assert "thresholds: answer >=" in text and "centroid" in text

    labelled = write_csv(tmp_path / "t.csv", [("开发票的流程", "怎么开发票"), ("讲个笑话", "")], header="query,expected")
    from_file = json.loads(run(env, home, "eval", "--shop", "店", "--test", str(labelled), "--json").stdout)
    assert from_file["held_out"]["in_scope"].startswith("file") and from_file["held_out"]["n_in_scope"] == 1
    bad = write_csv(tmp_path / "bad.csv", [("x问题", "没有这个")], header="query,expected")
    proc = run(env, home, "eval", "--shop", "店", "--test", str(bad), ok=False)
    assert proc.returncode == 1 and "row 2, column expected" in proc.stderr

    shown = run(env, home, "thresholds", "--shop", "店", "--answer", "0.99", "--margin", "0.1").stdout
    assert "answer >= 0.99" in shown and "set by hand: answer, margin" in shown
    q = json.loads(run(env, home, "query", "--shop", "店", "--json", "能开发票吗呀").stdout)
    assert q["decision"] != "answer" or q["matches"][0]["score"] >= 0.99
    assert "calibrated" in run(env, home, "thresholds", "--shop", "店", "--reset").stdout
    again = run(env, home, "thresholds", "--shop", "店", "--recalibrate").stdout  # no query log yet: ten to one
    assert "traffic mix: 10 off-topic messages per in-scope one assumed" in again and "answer >= " in again
    proc = run(env, home, "thresholds", "--shop", "店", "--answer", "5", ok=False)
    assert proc.returncode == 1 and "between -1 and 1" in proc.stderr

    run(env, home, "add", "--shop", "店", "--similar", "运费谁承担？", "--to", "怎么开发票", ok=False)  # same key
    run(env, home, "add", "--shop", "店", "--standard", "滚刷多久换一次")
    doctor = json.loads(run(env, home, "doctor", "--shop", "店", "--json").stdout)
    assert any(f["kind"] == "too_few" and "滚刷多久换一次" in f["message"] for f in doctor)
    plain = run(env, home, "doctor", "--shop", "店")
    assert "too_few" in plain.stdout and "warnings" in plain.stderr
