"""Documents that cannot be read: one clear error naming the file (and the byte, line or page), exit code 2,
and the store exactly as it was."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from conftest import ROOT, run_cli, snapshot
from graph.backends.embedded import Store
from graph.errors import InputError
from ingest import documents
from ingest.registry import Context
from pdf_builder import PDF_PAGES
from pdf_builder import make_pdf as build_pdf

FIXTURES = ROOT / "tests" / "fixtures" / "documents"


def make_pdf() -> bytes:
    return build_pdf(PDF_PAGES)


@pytest.fixture(scope="module")
def loaded(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled store; every test here must leave it unchanged."""
    return Path(shutil.copytree(bundled_store_path, tmp_path_factory.mktemp("bad") / "store"))


def refused(store: Path, *args: str) -> str:
    before = snapshot(store)
    result = run_cli(*args, store=store)
    assert result.code == 2, (result.out, result.err)
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    assert "Traceback" not in result.err
    assert snapshot(store) == before
    return errors[0]


CASES = {
    # name: (file name, bytes, what the message must say)
    "empty": ("empty.txt", b"", "empty document"),
    "blank": ("blank.md", b"  \n\n\t\n", "empty document"),
    "binary junk": ("junk.txt", bytes(range(256)) * 4, "binary data, not text: NUL byte at byte 0"),
    "UTF-16 with a byte-order mark": ("utf16.txt", codecs.BOM_UTF16_LE + "NHSX report".encode("utf-16-le"),
                                      "UTF-16 text (byte-order mark at byte 0)"),
    "UTF-16 without one": ("utf16.md", "NHSX report\n".encode("utf-16-le"), "looks like UTF-16"),
    "neither UTF-8 nor Windows-1252": ("bytes.txt", "Line one\nThe NHS £".encode() + b"\x81\x8d trusts\n",
                                       "not UTF-8 (byte 0x81 at byte 19, line 2, column 11) nor Windows-1252"),
    "corrupt PDF": ("corrupt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "corrupt PDF"),
    "truncated PDF": ("cut.pdf", b"", "corrupt PDF"),  # filled in below
    "not a PDF": ("fake.pdf", b"Just text in a file named .pdf\n", "not a PDF: it starts with"),
    "HTML without text": ("empty.html", b"<html><head><script>var a = 1;</script></head><body></body></html>",
                          "empty document: the page has no text"),
    "reStructuredText of markup only": ("empty.rst", b".. image:: a.png\n   :alt: a\n\n.. [1] a note\n",
                                        "empty document"),
    "AsciiDoc in UTF-16": ("board.adoc", codecs.BOM_UTF16_LE + "= Board paper".encode("utf-16-le"),
                           "UTF-16 text (byte-order mark at byte 0)"),
    "LaTeX-style macros and nothing else": ("note.md", b"\\ifndef{x}\n\\define{x}\n\\endif\n", "empty document"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unreadable_document_is_refused_and_nothing_is_written(loaded: Path, tmp_path: Path, case: str) -> None:
    name, data, expected = CASES[case]
    if case == "truncated PDF":
        data = make_pdf()[:300]
    path = tmp_path / name
    path.write_bytes(data)
    err = refused(loaded, "ingest", str(path))
    assert name in err
    assert expected in err


def test_bad_front_matter_names_the_line(loaded: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("---\ntitle: A report\ndate: [2020\n---\n# A report\n\nThe NHS has not improved.\n",
                    encoding="utf-8")
    err = refused(loaded, "ingest", str(path))
    assert "report.md:" in err and "malformed YAML front matter" in err


def test_bad_sidecar_value_names_the_sidecar_and_field(loaded: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("NHSX spent £5m in 2020.\n", encoding="utf-8")
    (tmp_path / "notes.txt.meta.yaml").write_text("title: Notes\ndate: 2020-13-45\n", encoding="utf-8")
    err = refused(loaded, "ingest", str(path))
    assert "notes.txt.meta.yaml: field 'date': bad date" in err


def test_bad_command_line_metadata_is_refused(loaded: Path) -> None:
    err = refused(loaded, "ingest", str(FIXTURES / "meeting-notes.txt"), "--url", "example.org/notes")
    assert "command line: url must be an http:// or https:// address" in err


def test_unknown_author_body_is_refused(loaded: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("NHSX should publish a plan.\n", encoding="utf-8")
    (tmp_path / "notes.txt.meta.yaml").write_text("made_by: Ministry of Magic\n", encoding="utf-8")
    err = refused(loaded, "ingest", str(path))
    assert "field 'made_by': no body named 'Ministry of Magic' in the store" in err


def test_windows_1252_text_is_read_and_noted(loaded: Path, tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("NHSX spent £5m on ‘legacy’ systems in 2019.\n".encode("cp1252"))
    with Store.open(loaded, read_only=True) as store:
        prepared = documents.prepare(path, Context(store))[0]
    assert prepared.report["encoding"] == "cp1252"
    assert prepared.report["notes"] == ["not UTF-8 (byte 0xa3 at byte 11, line 1, column 12): read as Windows-1252"]
    assert prepared.graph is not None
    amounts = {str(o) for o in prepared.graph.objects(None, URIRef("https://w3id.org/govkg/ontology#amount"))}
    assert amounts == {"5000000"}


def test_recommendations_need_an_author(loaded: Path, tmp_path: Path) -> None:
    path = tmp_path / "anonymous.txt"
    path.write_text("Recommendations:\n\n- NHSX should publish a plan.\n", encoding="utf-8")
    with Store.open(loaded, read_only=True) as store:
        prepared = documents.prepare(path, Context(store))[0]
    assert prepared.report["recommendations_without_author"] == 1
    assert prepared.report["statements_by_kind"] == {"recommendation": 1}


def test_missing_file_is_an_input_error(loaded: Path, tmp_path: Path) -> None:
    with Store.open(loaded, read_only=True) as store, pytest.raises(InputError, match="cannot read the file"):
        documents.prepare(tmp_path / "gone.txt", Context(store))
