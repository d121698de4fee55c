"""The README's screenshots of windows that need no training, in Chinese, offscreen.

    .venv/bin/python scripts/screenshots.py [--out resources/screenshots] [--lang zh|en]

Writes editor.png (main window on the demo shop), import.png (the import dialog's preview of a
file from another platform), augment.png (the generation dialog after a rules preview) and
review.png (the review queue after a rules run) and query_twin.png (the query panel, untuned
model, on twin standard questions: a similar question copied under a second one with a question
mark). The retrain progress and the query panel come from a real retrain:
`bench/gui_stall.py --screenshots resources/screenshots`.
Needs CJK fonts for the Chinese text (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def settle(app, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_idle(app, dialog, timeout_s: float = 120) -> None:
    end = time.monotonic() + timeout_s
    while dialog.busy() and time.monotonic() < end:
        settle(app, 0.05)


def twin_query(app, store, shop_id: int, path: Path) -> None:
    """The query panel suggesting between twins: a similar question under a second standard
    question too, with a question mark (the store allows it; the data doctor flags it)."""
    from desktop_app.core.pipeline import ensure_model
    from desktop_app.gui.widgets.query_panel import QueryPanel

    first, second = store.standards(shop_id)[:2]
    similar = store.similars(standard_id=first.id)[0]
    store.add_similar(second.id, similar.text + "？")
    ensure_model(store, shop_id)
    panel = QueryPanel(store)
    panel.resize(900, 560)
    panel.show()
    ready, done = [], []
    panel.model_ready.connect(lambda *_: ready.append(True))
    panel.query_done.connect(done.append)
    panel.set_shop(shop_id)
    end = time.monotonic() + 300
    while not ready and time.monotonic() < end:
        settle(app, 0.05)
    panel.query_now(similar.text)
    end = time.monotonic() + 30
    while not done and time.monotonic() < end:
        settle(app, 0.05)
    settle(app)
    panel.grab().save(str(path))
    panel.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="standardq_shots_"))
    os.environ["STANDARDQ_CONFIG"] = str(home / "config")  # no stored API key shows up

    from desktop_app.cli import ensure_demo_shop
    from desktop_app.core.augment.rules import AugmentSettings
    from desktop_app.core.store import Store
    from desktop_app.gui import i18n
    from desktop_app.gui.app import Shell, create_application

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    i18n.install_translators("zh_CN" if args.lang == "zh" else "en")
    store = Store(home)
    shop, _ = ensure_demo_shop(store)
    AugmentSettings(["扫地机器人", "扫地机", "洗地机", "X10"], [["尘盒", "集尘盒", "垃圾盒"]]).save(store, shop.id)
    window = Shell(store).open(remember=False, build_models=False)
    window.resize(1280, 800)
    window.shop_bar.select(shop.id)
    window.questions.select_first()
    settle(app)
    window.grab().save(str(out / "editor.png"))

    foreign = home / "faq_from_another_platform.csv"
    foreign.write_text("问题,相似问法,回复内容,分组\n"
                       "尘盒多久清理一次,\"尘盒要多久倒一次\n集尘盒多久清\",建议每次清扫后清理尘盒。,清洁\n"
                       "可以开专票吗,能开增值税专用发票吗,可以，请在订单页申请并填写税号。,发票\n"
                       "机器不回充怎么办,不会自己回去充电,请检查充电座周围是否有遮挡。,充电\n", encoding="utf-8")
    dialog = window.import_file(foreign)
    settle(app, 1.0)
    dialog.grab().save(str(out / "import.png"))
    dialog.reject()

    dialog = window.open_augment()
    dialog.encoder_check.setChecked(False)  # no model in this throwaway home: the text checks only
    dialog.start_preview()
    wait_idle(app, dialog)
    settle(app)
    dialog.grab().save(str(out / "augment.png"))
    dialog.scope_all.setChecked(True)
    dialog.rules_n.setValue(10)
    dialog.start_run()
    wait_idle(app, dialog)
    dialog.reject()
    review = window.open_review()
    review.resize(1000, 640)
    settle(app)
    review.view.selectRow(2)
    settle(app)
    review.grab().save(str(out / "review.png"))
    review.reject()
    window.shutdown()
    twin_query(app, store, shop.id, out / "query_twin.png")
    store.close()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
