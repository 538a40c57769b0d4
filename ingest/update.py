"""``govkg datasets update``: fetch the current release of public datasets from the addresses in the manifest,
check it, and ingest it in one atomic switch, keeping the previous data when anything fails.

For each dataset: every file is downloaded into a new release folder (``<datasets_dir>/<name>/<release>/``);
the GOV.UK organisations API is read page by page, a zip is unpacked. A download that stops short of its
``Content-Length``, a server that cannot be reached, a page or file the ingester cannot read (a changed
schema: a missing column, a JSON page without results), or a release with less than half the records of the
one in the store, stops the update with one error naming the dataset and the address or file; then nothing
is switched: the store, and the release the datasets folder points to, stay as they were (the rejected
download is kept as ``rejected/`` for a look). When every dataset has been fetched and mapped, all of them go
into the store in one switch, the links are worked out again (reconciliation), and only then does each
dataset's ``CURRENT`` move to the new release.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import os
import shutil
import urllib.error
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.backends import Backend
from graph.errors import InputError
from graph.progress import Progress
from graph.settings import Settings
from ingest import registry
from ingest.default import reconcile_store
from ingest.pipeline import Prepared, SourceOutcome, ingest
from ingest.snapshot import (
    RELEASE_FILE,
    Dataset,
    current_release,
    locate,
    release_root,
    sha256,
    update_manifest,
)

TIMEOUT = 60.0
MAX_BYTES = 512 * 1024 * 1024
SHRINK = 0.5  # a release with fewer triples than this share of the source in the store is refused


@dataclass
class Fetched:
    dataset: Dataset
    folder: Path  # the new release folder
    path: Path  # what to ingest
    release: dict[str, Any]
    unchanged: bool = False


@dataclass
class UpdateResult:
    fetched: list[Fetched] = field(default_factory=list)
    outcomes: list[SourceOutcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"datasets": [{"name": f.dataset.name, "status": "unchanged" if f.unchanged else "updated",
                              "release": f.release} for f in self.fetched],
                "sources": [o.__dict__ for o in self.outcomes]}


# ------------------------------------------------------------------------------------------- downloading
def download(url: str, *, what: str, timeout: float = TIMEOUT) -> bytes:
    """The body at ``url``, all of it: InputError (naming ``what`` and the address) when the server cannot be
    reached, answers with an error, or the body stops short of its Content-Length."""
    request = urllib.request.Request(url, headers={"User-Agent": "govkg", "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise InputError(f"cannot fetch {what}: the server answered {exc.code} {exc.reason}", where=url) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot fetch {what}: {reason}", where=url,
                         hint="check the network connection (the data in the store is unchanged)") from exc
    except http.client.IncompleteRead as exc:
        raise InputError(f"the download of {what} stopped after {len(exc.partial):,} bytes"
                         + (f" of {int(expected):,}" if expected and expected.isdigit() else ""), where=url,
                         hint="try again later (the data in the store is unchanged)") from exc
    except http.client.HTTPException as exc:
        raise InputError(f"cannot fetch {what}: {exc!r}", where=url) from exc
    if len(body) > MAX_BYTES:
        raise InputError(f"{what} is larger than {MAX_BYTES // (1024 * 1024)} MB", where=url)
    if expected and expected.isdigit() and len(body) != int(expected):
        raise InputError(f"the download of {what} stopped after {len(body):,} bytes of {int(expected):,}",
                         where=url, hint="try again later (the data in the store is unchanged)")
    if not body:
        raise InputError(f"{what} is empty", where=url)
    return bytes(body)


def _unzip(data: bytes, member: str, url: str, what: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            found = next((n for n in names if n == member or n.rsplit("/", 1)[-1] == member), None)
            if found is None:
                raise InputError(f"{what}: the zip holds no {member} (it holds {', '.join(names[:8])})", where=url)
            return bytes(archive.read(found))
    except zipfile.BadZipFile as exc:
        raise InputError(f"{what}: not a readable zip file ({exc})", where=url,
                         hint="the download may be incomplete") from exc


def fetch_dataset(dataset: Dataset, folder: Path, *, progress: Progress | None = None) -> Fetched:
    """Download the current release of ``dataset`` into ``folder`` (created here) as the files ``govkg
    ingest`` reads; the release record says what came from where."""
    from ingest.govuk import fetch as fetch_govuk

    say = progress or (lambda _message: None)
    folder.mkdir(parents=True)
    target = folder / Path(dataset.path).name
    files = []
    for f in dataset.files:
        what = f"{dataset.title} ({f.name})"
        say(f"fetching {what}")
        if dataset.fetch == "govuk-api":
            data = fetch_govuk(f.url, timeout=TIMEOUT)
        else:
            data = download(f.url, what=what)
            if f.member or f.url.lower().endswith(".zip"):
                data = _unzip(data, f.member or f.name, f.url, what)
        path = dataset.file_path(target, f.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append({"name": f.name, "url": f.url, "bytes": len(data), "sha256": sha256(path)})
    release = {"dataset": dataset.name, "fetched_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
               "files": files}
    (folder / RELEASE_FILE).write_text(json.dumps(release, indent=1), encoding="utf-8")
    return Fetched(dataset, folder, target, release)


def _same_as_current(settings: Settings, fetched: Fetched) -> bool:
    """Whether every fetched file is the one the dataset is read from now (the last release or the snapshot)."""
    now = locate(settings, fetched.dataset)
    for f in fetched.release["files"]:
        path = fetched.dataset.file_path(now.path, f["name"])
        if not path.is_file() or sha256(path) != f["sha256"]:
            return False
    return len(fetched.release["files"]) == len(fetched.dataset.files)


# ------------------------------------------------------------------------------------------- updating
def update(store: Backend, settings: Settings, names: list[str] | None = None, *, force: bool = False,
           progress: Progress | None = None) -> UpdateResult:
    """Fetch, check and ingest the current release of the datasets ``names`` (default: every dataset of the
    manifest) in one switch, then reconcile; InputError, with nothing changed, on the first failure."""
    say = progress or (lambda _message: None)
    manifest = update_manifest(settings)
    datasets = [manifest.get(n) for n in names] if names else list(manifest.datasets.values())
    result = UpdateResult()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    try:
        for dataset in datasets:
            fetched = fetch_dataset(dataset, release_root(settings, dataset.name) / f"release-{stamp}",
                                    progress=say)
            fetched.unchanged = (not force and dataset.source in store.sources()
                                 and _same_as_current(settings, fetched))
            result.fetched.append(fetched)
        changed = [f for f in result.fetched if not f.unchanged]
        prepared = [p for f in changed for p in _prepare(store, f, say, force=force)]
        if prepared:
            summary = ingest(store, [], extra=prepared, force=force, progress=say)
            result.outcomes = [o for o in summary.outcomes if o.key in {p.key for p in prepared}]
            result.outcomes.append(reconcile_store(store, say))
    except BaseException:
        for f in result.fetched:
            _reject(f)
        raise
    for f in result.fetched:
        if f.unchanged:
            shutil.rmtree(f.folder, ignore_errors=True)
        else:
            _make_current(f)
    return result


def _prepare(store: Backend, fetched: Fetched, say: Progress, *, force: bool) -> list[Prepared]:
    dataset = fetched.dataset
    say(f"reading the new release of {dataset.title}")
    module = registry.by_name(dataset.ingester)
    try:
        prepared: list[Prepared] = module.prepare(fetched.path, registry.Context(store, {}))
    except InputError as exc:
        raise InputError(f"the release of {dataset.name} fetched from {dataset.files[0].url} cannot be read: "
                         f"{exc.message}", where=exc.where, hint="the previous release is kept; the rejected "
                         f"download is in {release_root_of(fetched) / 'rejected'}") from exc
    keys = [p.key for p in prepared]
    if keys != [dataset.source]:
        raise InputError(f"the release of {dataset.name} maps to the source(s) {', '.join(keys)}, not "
                         f"{dataset.source} as the manifest says", where=str(fetched.path))
    current = store.sources().get(dataset.source)
    new = len(prepared[0].graph) if prepared[0].graph is not None else 0
    if current is not None and not force and new < SHRINK * current.triples:
        raise InputError(f"the release of {dataset.name} holds {new:,} triples, less than half of the "
                         f"{current.triples:,} in the store: is the upstream data complete?",
                         where=dataset.files[0].url, hint="take it anyway with --force")
    return prepared


def release_root_of(fetched: Fetched) -> Path:
    return fetched.folder.parent


def _reject(fetched: Fetched) -> None:
    """Keep a failed download as ``rejected/`` (replacing an older one) for a look; never the current one."""
    if not fetched.folder.exists():
        return
    rejected = release_root_of(fetched) / "rejected"
    shutil.rmtree(rejected, ignore_errors=True)
    try:
        os.replace(fetched.folder, rejected)
    except OSError:
        shutil.rmtree(fetched.folder, ignore_errors=True)


def _make_current(fetched: Fetched) -> None:
    """Point the dataset's CURRENT at the new release (one rename), then remove the releases before it."""
    root = release_root_of(fetched)
    previous = current_release_name(root)
    pending = root / f"CURRENT.{uuid.uuid4().hex[:8]}.tmp"
    pending.write_text(fetched.folder.name, encoding="utf-8")
    os.replace(pending, root / "CURRENT")
    for old in root.iterdir():
        if old.is_dir() and old.name.startswith("release-") and old.name != fetched.folder.name \
                and old.name != previous:
            shutil.rmtree(old, ignore_errors=True)
    if previous and previous != fetched.folder.name:
        shutil.rmtree(root / previous, ignore_errors=True)


def current_release_name(root: Path) -> str:
    try:
        return (root / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


__all__ = ["UpdateResult", "current_release", "download", "fetch_dataset", "update"]
