"""The inbox tab (收件箱): panel.py lays it out and runs its jobs (jobs.py); models.py holds its
tables, fix_bar.py its one-click fixes."""

from .panel import InboxPanel

__all__ = ["InboxPanel"]
