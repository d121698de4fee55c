"""The Model tab: retrain panel (panel.py) and its parts, one file each."""

from .panel import RetrainPanel
from .preload import preload_plot_and_retrain

__all__ = ["RetrainPanel", "preload_plot_and_retrain"]
