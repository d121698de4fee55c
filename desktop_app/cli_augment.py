"""`standardq augment` and `standardq review`: generation of similar questions and the review queue."""

from __future__ import annotations


def add_augment_commands(sub) -> None:
    """Register the augmentation commands on the main parser's subparsers."""
