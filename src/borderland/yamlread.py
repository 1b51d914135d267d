"""Strict YAML for parameters (`-p` values and scenario files), on PyYAML's safe loader.

Refused: anchors and aliases, duplicate keys. Kept: the line of each top-level key,
so a bad value can be named by file and line. An impossible date such as 2012-02-30
is read as the text it is, so the parameter check can say what is wrong with it.
"""
from __future__ import annotations

import yaml


class YamlError(ValueError):
    """Text that is not acceptable YAML; `line` is 1-based, or None when unknown."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing duplicate keys and keeping impossible dates as text."""

    def construct_mapping(self, node, deep=False):
        first: dict = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the safe loader refuses an unhashable key itself
            if key in first:
                raise YamlError(f"duplicate key {key!r} (first given on line {first[key]})",
                                key_node.start_mark.line + 1)
            first[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2012-02-30 looks like a date but is none
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load(text: str) -> tuple[object, dict[str, int]]:
    """(value, line of each top-level key) of `text`; YamlError when it is not acceptable."""
    try:
        if ("&" in text or "*" in text) and any(
                isinstance(t, (yaml.AnchorToken, yaml.AliasToken)) for t in yaml.scan(text)):
            raise YamlError("YAML anchors and aliases are not allowed")
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(f"not valid YAML ({exc.problem or exc.context})",
                        mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML ({str(exc).splitlines()[0]})") from None
    lines = ({str(k.value): k.start_mark.line + 1 for k, _v in node.value}
             if isinstance(node, yaml.MappingNode) else {})
    return value, lines
