"""The Test tab: query panel (panel.py), its live and batch tabs, their tables."""

from .panel import QueryPanel

__all__ = ["QueryPanel"]
