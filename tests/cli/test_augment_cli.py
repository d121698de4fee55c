"""`standardq augment / review / augment-key / augment-dict`, the installed command on a tiny model."""

import json
import os
import stat
import subprocess

import pytest

from tests.cli.test_cli import EXE, run, tiny_csv
from tests.unit.test_augment_llm import KEY, FakeLLM


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from tests.tiny_model import build_tiny_bert

    root = tmp_path_factory.mktemp("augcli")
    model = build_tiny_bert(root / "bert")
    e = {**os.environ, "STANDARDQ_CACHE": str(root / "cache"), "STANDARDQ_HOME": str(root / "unused-home"),
         "STANDARDQ_CONFIG": str(root / "config"), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    return {"env": e, "model": model, "root": root}


@pytest.fixture
def home(env, tmp_path):
    h = tmp_path / "h"
    run(env, h, "shop", "create", "店", "--base-model", str(env["model"]))
    run(env, h, "import", "--shop", "店", str(tiny_csv(tmp_path / "in.csv")))
    return h


@pytest.fixture
def server():
    s = FakeLLM()
    yield s
    s.close()


def similars(env, home):
    out = json.loads(run(env, home, "list", "--shop", "店", "--similar", "--json").stdout)
    return [s for sq in out for s in sq["similar"]]


def test_rules_then_review(env, home):
    run(env, home, "augment-dict", "--shop", "店", "--add-entity", "扫地机器人", "扫地机",
        "--add-synonyms", "充电座,充电桩,基站")
    p = run(env, home, "augment", "--shop", "店", "--method", "rules", "--per-question", "5", "--seed", "1")
    assert "pending similar questions added" in p.stdout and "review them" in p.stdout
    made = [s for s in similars(env, home) if s["source"] == "rules"]
    assert 0 < len(made) <= 20 and {s["status"] for s in made} == {"pending"}
    listing = run(env, home, "review", "--shop", "店", "--source", "rules").stdout
    assert made[0]["text"] in listing
    one = made[0]["id"]
    assert "1 similar questions rejected" in run(env, home, "review", "--shop", "店", "--reject-all",
                                                 "--id", str(one)).stdout
    acc = run(env, home, "review", "--shop", "店", "--accept-all", "--source", "rules").stdout
    assert f"{len(made) - 1} similar questions accepted" in acc
    again = run(env, home, "augment", "--shop", "店", "--method", "rules", "--per-question", "5", "--seed", "1")
    assert again.stdout.startswith("0 pending")


def test_llm_with_key_from_env_never_printed(env, home, server):
    e = {**env["env"], "SQ_TEST_KEY": KEY}
    args = ["augment", "--shop", "店", "--method", "llm", "--base-url", server.url, "--model", "fake",
            "--api-key-env", "SQ_TEST_KEY", "--per-question", "3", "--questions", "怎么开发票", "退货运费谁出",
            "--no-encoder-check"]
    p = subprocess.run([EXE, "--home", str(home), *args], env=e, capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and "--yes" in p.stderr and server.log == []  # no terminal to confirm on
    p = subprocess.run([EXE, "--home", str(home), *args, "--yes"], env=e, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert "tokens: 22 prompt + 44 completion = 66" in p.stdout
    assert KEY not in p.stdout + p.stderr
    assert all(auth == f"Bearer {KEY}" for _, _, auth in server.log)
    made = [s for s in similars(env, home) if s["source"] == "llm"]
    assert len(made) == 6 and {s["status"] for s in made} == {"pending"}
    export = home / "out.csv"
    run(env, home, "export", "--shop", "店", str(export))
    assert KEY not in export.read_text(encoding="utf-8")


def test_stored_key_in_a_private_file(env, home, server):
    p = subprocess.run([EXE, "--home", str(home), "augment-key", "--base-url", server.url], env=env["env"],
                       input=KEY + "\n", capture_output=True, text=True, timeout=60,
                       start_new_session=True)  # no controlling terminal: getpass reads stdin
    assert p.returncode == 0, p.stderr
    assert KEY not in p.stdout + p.stderr and "sk-…abcd" in p.stdout
    key_file = env["root"] / "config" / "llm_keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    run(env, home, "augment", "--shop", "店", "--method", "llm", "--base-url", server.url, "--model", "fake",
        "--per-question", "2", "--questions", "怎么开发票", "--yes", "--no-encoder-check")
    assert server.log and all(auth == f"Bearer {KEY}" for _, _, auth in server.log)
    assert "deleted" in run(env, home, "augment-key", "--base-url", server.url, "--delete").stdout
    assert KEY not in key_file.read_text()


def test_bad_options_are_one_line_errors(env, home):
    p = run(env, home, "augment", "--shop", "店", "--method", "llm", ok=False)
    assert p.returncode == 1 and "--provider" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = run(env, home, "augment", "--shop", "店", "--method", "llm", "--provider", "deepseek",
            "--api-key-env", "SQ_UNSET_VAR", ok=False)
    assert p.returncode == 1 and "SQ_UNSET_VAR" in p.stderr
    p = run(env, home, "augment", "--shop", "店", "--method", "rules", "--questions", "没有这个问题", ok=False)
    assert p.returncode == 1 and "没有这个问题" in p.stderr
