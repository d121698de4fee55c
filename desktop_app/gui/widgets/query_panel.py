"""The query panel's old import path; it lives in widgets/query/ now."""

from .query import QueryPanel

__all__ = ["QueryPanel"]
