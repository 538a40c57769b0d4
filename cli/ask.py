"""``govkg ask`` and ``govkg eval-ask``: questions in plain English, answered from the graph with their sources.

    govkg ask "who was accountable for the national digital strategy in June 2020?" [--json]
    govkg eval-ask [--set data/evaluation/ask.yaml] [--split tune|held-out] [-v] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govkg_data import ASK_EVAL
from graph.backends import open_backend
from graph.errors import GovKGError, InputError
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
WIDTH = 110
SHOWN_ROWS = 25
HIDDEN = ("accountability", "tenure", "figure", "finding", "recommendation", "lesson", "report", "a", "b", "holder",
          "person", "project", "scope", "from", "to", "event", "addressee", "today")


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def register(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    p = sub.add_parser("ask", help="ask a question in plain English: the answer from the graph, with its sources",
                       description="Reads the question (its kind, the things and dates it names), runs the canned "
                                   "query or analysis that answers it, and shows the rows with their sources. "
                                   "Nothing is made up: a question the graph cannot answer is said to be so.")
    p.add_argument("question", nargs="+", help="the question, e.g. who replaced NHS Connecting for Health?")
    p.add_argument("--json", action="store_true", help="the answer as JSON")
    command("ask")(cmd_ask)

    p = sub.add_parser("eval-ask", help="kind, parameter and answer accuracy of govkg ask on the evaluation set")
    p.add_argument("--set", dest="eval_set", default=str(ASK_EVAL), metavar="FILE",
                   help="the evaluation YAML (default: data/evaluation/ask.yaml)")
    p.add_argument("--split", choices=["tune", "held-out"], help="only this part of the set")
    p.add_argument("-v", "--verbose", action="store_true", help="show each question answered wrongly")
    p.add_argument("--json", action="store_true")
    command("eval-ask")(cmd_eval_ask)


def _asker() -> Any:
    """The Asker class; a clear error when this build has no semantic search (the kinds are read with the
    embedding model)."""
    try:
        from graph.ask import Asker
    except ImportError as exc:
        raise UnavailableError(f"questions need semantic search, which this build does not have ({exc})",
                               hint='install it with pip install "govkg[search]"') from exc
    return Asker


class UnavailableError(GovKGError):
    exit_code = 1


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    Asker = _asker()
    question = " ".join(args.question)
    with open_backend(settings, read_only=True) as store:
        if not store.sources():
            raise InputError("the store is empty", hint="run `govkg ingest` first")
        answer = Asker(store, settings).ask(question)
    if args.json:
        _out(json.dumps(answer.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        for line in answer_lines(answer):
            _out(line)
    return 0


def answer_lines(answer: Any) -> list[str]:
    """The answer as text: the summary (or why there is none), how it was reached, the rows with sources."""
    out = [_wrap(answer.summary or answer.message)]
    if answer.summary and answer.message:
        out.append(_wrap(f"note: {answer.message}"))
    if answer.kind:
        out.append(f"kind: {answer.kind} — {answer.kind_title} (score {answer.score:.2f})")
    shown = [p for p in answer.params if p.read_from != "default"]
    if shown:
        out.append("read: " + "; ".join(f"{p.name} = {p.label} (from “{p.read_from}”)" for p in shown))
    if answer.also_named:
        out.append("also named so (not used): " + "; ".join(f"“{a['name']}”: {a['label']} ({a['type']} {a['key']})"
                                                          for a in answer.also_named))
    if not answer.refused and answer.alternatives:
        out.append("other readings: " + "; ".join(f"{a['title']} ({a['score']:.2f})" for a in answer.alternatives[:2]))
    if answer.did_you_mean:
        out.append("did you mean: " + "; ".join(f"{d['label']} ({d['type']} {d['key']})" for d in answer.did_you_mean))
    if answer.refused and answer.alternatives:
        out.append("closest readings: " + "; ".join(f"{a['title']} ({a['score']:.2f})" for a in answer.alternatives))
    if answer.search:
        out.append(f"try a search: govkg search {json.dumps(answer.search, ensure_ascii=False)}")
    for n, row in enumerate(answer.rows[:SHOWN_ROWS], start=1):
        cells = [f"{words(k)}: {v}" for k, v in row.values.items() if v not in ("", None) and k not in HIDDEN]
        out.append(_wrap(f"{n:>2}. " + " · ".join(cells), indent="    "))
        if row.sources:
            out.append(_wrap("source: " + "; ".join(f"{s['title']}" + (f" ({s['date']})" if s["date"] else "")
                                                   for s in row.sources), indent="      ", first="      "))
        for quote in row.evidence[:2]:
            out.append(_wrap(f"“{quote}”", indent="      ", first="      "))
    if len(answer.rows) > SHOWN_ROWS:
        out.append(f"… and {len(answer.rows) - SHOWN_ROWS} more rows (--json for all)")
    if answer.sparql:
        out.append("query (paste into govkg sparql, or open in the explorer's console):")
        out += ["  " + line for line in answer.sparql.strip().splitlines()]
    return out


def words(column: str) -> str:
    """A query's column name as words: holderLabel → holder, endStatus → end status."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", column.removesuffix("Label")).lower()


def _wrap(text: str, *, indent: str = "", first: str = "") -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=first, subsequent_indent=indent) or text


def cmd_eval_ask(args: argparse.Namespace, settings: Settings) -> int:
    Asker = _asker()
    from graph.ask.evaluation import evaluate, load_cases, parts, store_datasets

    cases = load_cases(Path(args.eval_set))
    if args.split:
        cases = [c for c in cases if c.split == args.split]
    with open_backend(settings, read_only=True) as store:
        if not store.sources():
            raise InputError("the store is empty", hint="run `govkg ingest` first")
        outcomes = evaluate(Asker(store, settings), cases, store_datasets(store))
    scores = [s for s in parts(outcomes) if s.outcomes]
    if args.json:
        _out(json.dumps({"set": args.eval_set, "split": args.split or "all",
                         "parts": [s.as_dict(details=args.verbose) for s in scores]}, indent=2, ensure_ascii=False))
        return 0
    _out(f"{len(outcomes)} questions from {args.eval_set}" + (f" ({len(cases) - len(outcomes)} left out: their "
                                                               "dataset is not in the store)"
                                                               if len(cases) > len(outcomes) else ""))
    _out(f"{'part':<10}{'questions':>10}{'kind':>8}{'params':>8}{'answer':>8}{'refused':>10}  (of unanswerable)")
    for s in scores:
        _out(f"{s.name:<10}{len(s.outcomes):>10}{s.kind_accuracy:>8.3f}{s.param_accuracy:>8.3f}"
             f"{s.answer_accuracy:>8.3f}{s.refusal_rate:>10.3f}  ({len(s.unanswerable)})")
    if args.verbose:
        for o in outcomes:
            if not (o.answer_ok and o.params_ok):
                _out(f"  [{o.case.split}] {o.case.question}\n      expected {o.case.kind or 'refusal'} "
                     f"{o.case.params} got {o.answer.kind} {o.answer.status} "
                     f"{ {p.name: p.value.rsplit('/', 1)[-1] for p in o.answer.params} } missing {o.missing}")
    return 0
