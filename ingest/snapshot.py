"""The public datasets that ship with GovKG: their manifest (data/datasets/manifest.yaml), and where each one is
read from — the release that ``govkg datasets update`` last fetched (in the ``datasets_dir`` folder), else the
bundled snapshot.

A fetched release lives in ``<datasets_dir>/<name>/<release>/`` beside a ``CURRENT`` file naming it and a
``release.json`` inside it (when and from where each file was fetched, its size and sha256), so that switching
to a new release is one rename and the files a store's catalog points to stay where they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govkg_data import DATASETS_DIR, DATASETS_MANIFEST
from graph.errors import InputError
from graph.settings import Settings

FETCH_KINDS = ("govuk-api", "files")
RELEASE_FILE = "release.json"


@dataclass(frozen=True)
class DatasetFile:
    name: str
    url: str
    sha256: str = ""
    bytes: int = 0
    member: str = ""  # the file inside a zip at ``url``
    publication: str = ""


@dataclass(frozen=True)
class Dataset:
    """One public dataset of the manifest."""

    name: str
    title: str
    publisher: str
    ingester: str
    source: str  # the store's source key it becomes
    path: str  # relative to the snapshot folder: a file, or a folder of files
    upstream: str
    licence: str
    attribution: str
    fetch: str
    files: tuple[DatasetFile, ...]
    snapshot_from: str = ""
    snapshot_date: str = ""

    @property
    def is_folder(self) -> bool:
        return len(self.files) > 1 or Path(self.path).name != self.files[0].name

    def bundled(self) -> Path:
        return Path(DATASETS_DIR) / self.path

    def file_path(self, root: Path, name: str) -> Path:
        """Where file ``name`` is in a copy of the dataset whose ``path`` is ``root``."""
        return root / name if self.is_folder else root


@dataclass
class Manifest:
    datasets: dict[str, Dataset] = field(default_factory=dict)
    where: str = ""

    def get(self, name: str) -> Dataset:
        found = self.datasets.get(name)
        if found is None:
            raise InputError(f"no dataset {name!r} in {self.where}", hint=f"known: {', '.join(self.datasets)}")
        return found


def _text(block: dict[str, Any], name: str, where: str, *, required: bool = True) -> str:
    value = block.get(name)
    if value is None or value == "":
        if required:
            raise InputError(f"needs '{name}'", where=where)
        return ""
    return str(value).strip()


def load_manifest(path: Path) -> Manifest:
    """The manifest at ``path``; InputError naming the file and the entry for anything missing or malformed."""
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("no such manifest", where=where) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", where=where) from exc
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), dict):
        raise InputError("a manifest needs a 'datasets' mapping", where=where)
    out = Manifest(where=where)
    for name, block in data["datasets"].items():
        at = f"{where}: datasets.{name}"
        if not isinstance(block, dict):
            raise InputError("must be a mapping", where=at)
        fetch = _text(block, "fetch", at)
        if fetch not in FETCH_KINDS:
            raise InputError(f"fetch must be one of {', '.join(FETCH_KINDS)}, not {fetch!r}", where=at)
        files = block.get("files")
        if not isinstance(files, list) or not files:
            raise InputError("needs 'files' (a list)", where=at)
        parsed = []
        for n, f in enumerate(files):
            fat = f"{at}.files[{n}]"
            if not isinstance(f, dict):
                raise InputError("must be a mapping", where=fat)
            parsed.append(DatasetFile(_text(f, "name", fat), _text(f, "url", fat), _text(f, "sha256", fat, required=False),
                                      int(f.get("bytes") or 0), _text(f, "member", fat, required=False),
                                      _text(f, "publication", fat, required=False)))
        raw_snapshot = block.get("snapshot")
        snapshot: dict[str, Any] = raw_snapshot if isinstance(raw_snapshot, dict) else {}
        out.datasets[str(name)] = Dataset(
            str(name), _text(block, "title", at), _text(block, "publisher", at), _text(block, "ingester", at),
            _text(block, "source", at), _text(block, "path", at), _text(block, "upstream", at),
            _text(block, "licence", at), _text(block, "attribution", at), fetch, tuple(parsed),
            _text(snapshot, "from", at, required=False), _text(snapshot, "date", at, required=False))
    return out


def bundled_manifest() -> Manifest:
    return load_manifest(DATASETS_MANIFEST)


def update_manifest(settings: Settings) -> Manifest:
    """The manifest ``govkg datasets update`` follows: ``manifest.yaml`` in the datasets folder, else the
    bundled one."""
    local = Path(settings.datasets_dir).expanduser() / "manifest.yaml"
    return load_manifest(local) if local.is_file() else bundled_manifest()


def selected(settings: Settings, manifest: Manifest | None = None) -> list[Dataset]:
    """The datasets the ``datasets`` setting names (``all``, ``none``, or names), in manifest order."""
    manifest = manifest or bundled_manifest()
    wanted = [n for n in settings.datasets.split(",") if n]
    if wanted == ["all"]:
        return list(manifest.datasets.values())
    if wanted == ["none"]:
        return []
    unknown = [n for n in wanted if n not in manifest.datasets]
    if unknown:
        raise InputError(f"GOVKG_DATASETS names no dataset {', '.join(unknown)}",
                         hint=f"known: all, none, {', '.join(manifest.datasets)}")
    return [d for n, d in manifest.datasets.items() if n in wanted]


# ------------------------------------------------------------------------------------------- where each is
@dataclass(frozen=True)
class Located:
    """Where a dataset is read from: the last fetched release, or the bundled snapshot."""

    dataset: Dataset
    path: Path  # what to give `govkg ingest`
    origin: str  # "snapshot" or "update"
    date: str  # the snapshot's date as stated, or when the release was fetched (ISO)
    release: dict[str, Any] = field(default_factory=dict)


def release_root(settings: Settings, name: str) -> Path:
    return Path(settings.datasets_dir).expanduser() / name


def current_release(settings: Settings, name: str) -> Path | None:
    """The folder of the release of ``name`` last fetched, or None."""
    root = release_root(settings, name)
    try:
        folder = root / (root / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return folder if (folder / RELEASE_FILE).is_file() else None


def locate(settings: Settings, dataset: Dataset) -> Located:
    folder = current_release(settings, dataset.name)
    if folder is not None:
        release = json.loads((folder / RELEASE_FILE).read_text(encoding="utf-8"))
        path = folder / Path(dataset.path).name
        if path.exists():
            return Located(dataset, path, "update", str(release.get("fetched_at", "")), release)
    return Located(dataset, dataset.bundled(), "snapshot", dataset.snapshot_date)


def default_paths(settings: Settings) -> list[Path]:
    """What ``govkg ingest`` reads when given no path: the curated data, then each selected dataset."""
    return [Path(settings.data_dir), *(locate(settings, d).path for d in selected(settings))]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(dataset: Dataset, root: Path, expected: dict[str, str] | None = None) -> list[str]:
    """Files of a copy of ``dataset`` at ``root`` that are missing or whose sha256 is not the one recorded
    (``expected``: name → sha256; default: the manifest's)."""
    wanted = expected if expected is not None else {f.name: f.sha256 for f in dataset.files}
    problems = []
    for name, digest in wanted.items():
        path = dataset.file_path(root, name)
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif digest and sha256(path) != digest:
            problems.append(f"{path}: sha256 differs from the one recorded")
    return problems


def age(date: str, today: dt.date | None = None) -> str:
    """How old a dated release is, in words ("3 days", "4 years"), from an ISO date, year-month or year."""
    today = today or dt.date.today()
    parts = date[:10].split("-")
    try:
        when = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 7, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return "unknown"
    days = (today - when).days
    if days < 0:
        return "dated in the future"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"
