"""YAML reading that remembers where each mapping and field came from, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph.errors import InputError


class Record(dict[str, Any]):
    """A YAML mapping that knows its file, its line and the line of each of its keys."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]

    def where(self, field: str | None = None) -> str:
        line = self.key_lines.get(field, self.line) if field else self.line
        suffix = f", field '{field}'" if field else ""
        ident = f" (id {self.get('id')})" if isinstance(self.get("id"), str) else ""
        return f"{self.file}:{line}{ident}{suffix}"


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Record:
    loader.flatten_mapping(node)
    record = Record()
    record.file = getattr(loader, "_govkg_file", "")
    record.line = node.start_mark.line + 1
    record.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in record:
            raise InputError(
                f"duplicate key {key!r}", where=f"{record.file}:{key_node.start_mark.line + 1}"
            )
        record[key] = loader.construct_object(value_node, deep=True)
        record.key_lines[str(key)] = key_node.start_mark.line + 1
    return record


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]


def load_yaml(path: Path, *, display: str | None = None) -> Any:
    """Parse a YAML file into Records; any fault becomes an InputError naming file and line."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", where=name) from exc
    if b"\x00" in raw:
        raise InputError("not a YAML text file (it holds binary data)", where=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", where=name) from exc
    loader = _Loader(text)
    loader._govkg_file = name  # type: ignore[attr-defined]
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise InputError(f"malformed YAML: {exc.problem or exc.context}", where=where) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", where=name) from exc
    finally:
        loader.dispose()
