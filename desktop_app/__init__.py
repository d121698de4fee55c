"""StandardQ: match consumer questions to a shop's standard questions."""

__version__ = "0.1.0"
