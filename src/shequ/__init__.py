"""Shequ: a brand-owned community e-commerce platform for fast-moving consumer goods."""

__version__ = "0.1.0"
