"""Durations and percentages as the retrain panel writes them."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return QCoreApplication.translate("RetrainPanel", "{s} s").format(s=seconds)
    if seconds < 3600:
        return QCoreApplication.translate("RetrainPanel", "{m} min {s} s").format(m=seconds // 60,
                                                                                  s=seconds % 60)
    return QCoreApplication.translate("RetrainPanel", "{h} h {m} min").format(h=seconds // 3600,
                                                                              m=seconds % 3600 // 60)


def format_pct(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"

