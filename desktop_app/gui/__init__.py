"""The PySide6 desktop application. Everything Qt lives here; `desktop_app.core` never imports it."""

import os

# PySide6 creates its classes and enums lazily, on first use, and that is not thread-safe: the
# live plot's library (pyqtgraph) is imported in a background thread after the window shows
# (widgets/retrain_panel.preload_plot_and_retrain), and a class created there while the GUI thread
# converted a value for painting crashed the frozen app (SIGSEGV in shiboken's
# pythonToCppConversion; core dump: the other thread inside Shiboken::Enum::createPythonEnum)
# in about 1 of 28 launches on a trained shop. Created eagerly at import instead: 0 crashes in 80
# launches, about 40 ms more start-up. Must be set before PySide6 is first imported.
os.environ.setdefault("PYSIDE6_OPTION_LAZY", "0")
