"""The frozen application's entry script (PyInstaller runs it as __main__).

`freeze_support` comes first: training, ONNX export and model preparation run in spawned child
processes, and in a frozen bundle each child starts this same executable; without it, a child
would start a second copy of the application instead of running its job.

`--selfcheck` (first argument) imports every module and reads every data file the app's paths use,
listing all that the bundle misses (packaging/smoke_test.sh runs it first).
"""

import os

# Before anything can import PySide6 (desktop_app/gui/__init__.py says why it must be eager).
os.environ.setdefault("PYSIDE6_OPTION_LAZY", "0")
# The bundle leaves out huggingface_hub's Xet backend (standardq.spec): downloads take plain HTTP.
os.environ.setdefault("HF_HUB_DISABLE_XET", "1")

import multiprocessing  # noqa: E402
import sys  # noqa: E402

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--selfcheck"]:
        from desktop_app.selfcheck import main
    else:
        from desktop_app.__main__ import main

    sys.exit(main())
