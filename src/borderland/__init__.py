"""Borderland: data, checks, charts and the report build for the Tajik borderlands report."""

__version__ = "0.1.0"
