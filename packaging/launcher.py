"""The frozen application's entry script (PyInstaller runs it as __main__).

`freeze_support` comes first: training, ONNX export and model preparation run in spawned child
processes, and in a frozen bundle each child starts this same executable; without it, a child
would start a second copy of the application instead of running its job.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop_app.__main__ import main

    sys.exit(main())
