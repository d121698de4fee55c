"""The retrain panel's old import path; it lives in widgets/retrain/ now."""

from .retrain import RetrainPanel, preload_plot_and_retrain

__all__ = ["RetrainPanel", "preload_plot_and_retrain"]
