"""GUI start-up: time from process start to the main window shown with its question list painted.

    .venv/bin/python bench/gui_startup.py [--runs 5] [--json bench/out/gui_startup.json]

Each run is a fresh process (offscreen) started by this script; "shown" is the first paint of the
question list's viewport, so the list is populated by then. Three shops:

- big:   5,000 standard questions x 20 similar questions (generated here), no model: the editor alone;
- demo:  the 66-question demo shop, no model;
- demo+model: the demo shop, with the query panel preparing its untuned model in the background as on
  a real first launch (the base model's ONNX export must already be in the user cache).

The target is < 2 s on 2 cores. Wall time depends on what else runs on the machine (the load
average is recorded); the child's CPU time until the paint is recorded too, as a load-independent
figure. The child also reports whether torch was imported (it must not be).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_big_shop(store, n_standard: int = 5000, n_similar: int = 20, name: str = "5000x20"):
    """A shop of n_standard questions with n_similar similar questions each, in one import."""
    from desktop_app.core.io_formats import ImportRow

    shop = store.create_shop(name)
    categories = ["清洁", "售后", "配件", "水箱", "拖布", "App", "物流", "发票"]
    rows = [ImportRow(row=0, standard_question=f"第{i}号标准问：扫地机器人问题{i}怎么办",
                      similar_question=f"问题{i}的第{j}种问法", category=categories[i % len(categories)],
                      answer=f"这是第{i}号问题的标准答案。")
            for i in range(n_standard) for j in range(n_similar)]
    store.import_rows(shop.id, rows)
    return shop


def child(home: str, build_models: bool) -> None:
    """One start-up, measured from inside; prints a JSON line and exits."""
    t_main = time.time()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer

    from desktop_app.core.store import Store
    from desktop_app.gui import app as gui_app

    application = gui_app.create_application()
    t_app = time.time()
    store = Store(Path(home))
    shell = gui_app.Shell(store)
    window = shell.open(remember=True, build_models=build_models)  # what run_gui does
    t_built = time.time()
    marks = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "painted" not in marks:
                marks["painted"] = time.time()
                marks["cpu"] = time.process_time()  # CPU seconds of this process so far: load-independent
                QTimer.singleShot(0, application.quit)
            return False

    watcher = FirstPaint()
    window.questions.view.viewport().installEventFilter(watcher)
    application.exec()
    result = {"t_main": t_main, "t_app": t_app, "t_built": t_built, "t_painted": marks.get("painted"), "cpu_s": marks.get("cpu"),
              "rows": window.questions.model.rowCount(), "torch_imported": "torch" in sys.modules,
              "onnxruntime_imported": "onnxruntime" in sys.modules}
    print("RESULT " + json.dumps(result), flush=True)
    import multiprocessing

    for proc in multiprocessing.active_children():  # the model preparation, if one was started
        proc.terminate()
    os._exit(0)  # skip the orderly shutdown: only the start-up is measured


def _pyside_version() -> str:
    import PySide6

    return PySide6.__version__


def run_once(home: Path, build_models: bool, config_dir: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config_dir)}
    t0 = time.time()
    proc = subprocess.run([sys.executable, __file__, "--child", str(home)] + (["--build-models"] * build_models),
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"the child failed:\n{proc.stdout}\n{proc.stderr}")
    r = json.loads(line[len("RESULT "):])
    return {"python_started_s": r["t_main"] - t0, "app_created_s": r["t_app"] - t0, "window_built_s": r["t_built"] - t0,
            "shown_and_painted_s": r["t_painted"] - t0, "cpu_until_painted_s": r["cpu_s"], "rows": r["rows"],
            "torch_imported": r["torch_imported"], "onnxruntime_imported": r["onnxruntime_imported"]}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", default=str(ROOT / "bench" / "out" / "gui_startup.json"))
    p.add_argument("--child")
    p.add_argument("--build-models", action="store_true")
    args = p.parse_args()
    if args.child:
        child(args.child, args.build_models)
        return 0

    from desktop_app.cli import ensure_demo_shop
    from desktop_app.core.store import Store

    work = Path(tempfile.mkdtemp(prefix="sq_gui_bench_"))
    homes = {"big": work / "big", "demo": work / "demo", "demo+model": work / "demo_model"}
    t0 = time.perf_counter()
    store = Store(homes["big"])
    build_big_shop(store)
    store.close()
    build_s = time.perf_counter() - t0
    for key in ("demo", "demo+model"):
        store = Store(homes[key])
        ensure_demo_shop(store)
        store.close()

    results = {}
    load_before = [round(x, 2) for x in os.getloadavg()]
    for key, home in homes.items():
        runs = [run_once(home, key == "demo+model", work / f"config_{key}") for _ in range(args.runs)]
        painted = [r["shown_and_painted_s"] for r in runs]
        results[key] = {"median_shown_s": round(statistics.median(painted), 3), "min_shown_s": round(min(painted), 3),
                        "max_shown_s": round(max(painted), 3),
                        "median_window_built_s": round(statistics.median(r["window_built_s"] for r in runs), 3),
                        "median_cpu_until_painted_s": round(statistics.median(r["cpu_until_painted_s"] for r in runs), 3),
                        "rows": runs[0]["rows"], "torch_imported": any(r["torch_imported"] for r in runs),
                        "runs": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                                  if v is not None} for r in runs]}
        print(f"{key:11s} rows={runs[0]['rows']:5d}  shown+painted median {results[key]['median_shown_s']:.2f} s "
              f"(min {results[key]['min_shown_s']:.2f}, max {results[key]['max_shown_s']:.2f}; "
              f"CPU {results[key]['median_cpu_until_painted_s']:.2f} s)  "
              f"torch imported: {results[key]['torch_imported']}")
    out = {"what": "process start -> main window shown with the question list painted (offscreen)",
           "target_s": 2.0, "cpu_count": os.cpu_count(), "platform": platform.platform(),
           "load_average_at_end": [round(x, 2) for x in os.getloadavg()],  # other work on the machine
           "load_average_at_start": load_before, "python": platform.python_version(),
           "pyside6": _pyside_version(), "big_shop_build_s": round(build_s, 1), "results": results}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
