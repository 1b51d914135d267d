"""Borderland: data, checks, charts and the report build for the Tajik borderlands report."""

__version__ = "0.1.0"


def chapter(notebook: str, namespace: dict):
    """A report notebook's context (see `borderland.chapters.chapter`)."""
    from .chapters import chapter as make

    return make(notebook, namespace)
