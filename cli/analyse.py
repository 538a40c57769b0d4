"""``govkg analyse …``: governance analytics (graph/analytics) as tables or JSON.

    govkg analyse overlaps [--scope S] [--include-shared]      same kind of role held by two lines at once
    govkg analyse gaps [--scope S] [--by year|day]            stretches inside a scope's life with no leader
    govkg analyse accountable SCOPE [--year Y | --date D]     who held what for a scope (no year: every year)
    govkg analyse lineage BODY                                today's successor, the chain, what it inherited
    govkg analyse orphans                                     closed bodies with no successor
    govkg analyse changes FROM TO [--scope S] [--window DAYS] unchanged, transferred, added, removed, came and went
    govkg analyse sro-turnover [--department D] [--scope S]    SRO tenures and changes per project and department
    govkg analyse coverage [--threshold T] [--since D] [--kind K]  lessons covered, partly or not; targets without precedent
    govkg analyse recurring [--threshold T] [--any-theme] [--top N] lessons raised again by other sources or years
    govkg analyse network [--export FILE.graphml|.gexf]       centrality and communities of the body network

Every subcommand takes ``--format table|json`` (``--json`` for short). ``coverage`` and ``recurring`` take the
lessons of ``--programme``, ``--source``, ``--body`` (that raised them), ``--body-kind`` and ``--from-year`` /
``--to-year`` only, and compare the vectors of the search index (built first when there is none).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import date
from typing import Any

from graph.analytics import accountability, changes, coverage, lineage, recurring, sro
from graph.analytics.data import GovernanceData, parse_when
from graph.analytics.narrow import LessonFilter
from graph.analytics.serial import plain
from graph.backends import open_backend
from graph.errors import InputError
from graph.results import table_lines
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
WIDTH = 56  # widest column in tables; longer text wraps onto the next lines (--wide: one line, whole)
_WIDE: ContextVar[bool] = ContextVar("wide", default=False)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, width: int = WIDTH) -> str:
    """A plain text table; a cell longer than ``width`` wraps within its column (with ``--wide``, it stays on
    one line), so nothing is cut."""
    cells = [[_cell(v) for v in row] for row in rows]
    return "\n".join(table_lines(list(headers), cells, wide=_WIDE.get(), width=width))


def _cell(value: Any) -> str:
    if value is None:
        text = ""
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = f"{value:.3f}"
    elif isinstance(value, list | tuple):
        text = ", ".join(_cell(v) for v in value)
    else:
        text = str(value)
    return " ".join(text.split())


def _sources(refs: Sequence[Any]) -> str:
    return " ".join(r.key for r in refs)


def _period(start: date | None, end: date | None) -> str:
    return f"{start.isoformat() if start else '?'}–{end.isoformat() if end else 'today'}"


def _load(settings: Settings) -> GovernanceData:
    with open_backend(settings, read_only=True) as store:
        if not store.sources():
            raise InputError("the store is empty", hint="run `govkg ingest` first")
        return GovernanceData.load(store)


def _emit(args: argparse.Namespace, result: Any, render: Callable[[], str]) -> int:
    if args.format == "json":
        _out(json.dumps(plain(result), indent=2, ensure_ascii=False))
    else:
        _out(render())
    return 0


# ------------------------------------------------------------------------------------------- analyses
def run_overlaps(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    scope = data.resolve(args.scope, "scope") if args.scope else None
    found = accountability.overlaps(data, include_shared=args.include_shared, scope=scope)
    rows = [(o.scope_label, o.kind, o.from_year, o.to_year or "today", o.a.holder_label, o.a.accountability,
             _sources(o.a.sources), o.b.holder_label, o.b.accountability, _sources(o.b.sources), o.note)
            for o in found]
    return _emit(args, found, lambda: table(
        ("scope", "kind", "from", "to", "holder A", "accountability A", "sources A", "holder B",
         "accountability B", "sources B", "note"), rows) + f"\n{len(found)} overlap(s)")


def run_gaps(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    scope = data.resolve(args.scope, "scope") if args.scope else None
    found = accountability.gaps(data, by=args.by, scope=scope)
    rows = [(g.scope_label, g.start, g.end, g.years, "; ".join(e.summary() for e in g.before),
             "; ".join(e.summary() for e in g.after)) for g in found]
    return _emit(args, found, lambda: table(("scope", "from", "to", "whole years", "last before", "next after"),
                                            rows) + f"\n{len(found)} gap(s)")


def run_accountable(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    scope = data.resolve(args.scope, "scope")
    if args.date:
        states = [accountability.accountable(data, scope, parse_when(args.date), include_shared=args.include_shared)]
    elif args.year:
        states = [accountability.accountable(data, scope, args.year, include_shared=args.include_shared)]
    else:
        states = accountability.timeline(data, scope, include_shared=args.include_shared)
    rows = [(s.when, e.kind, e.holder_label, e.period(), e.accountability, _sources(e.sources),
             "overlap" if e.holder_label in s.overlapping.get(e.kind, []) else "", "gap" if s.gap else "")
            for s in states for e in s.holders] + [(s.when, "", "(nobody)", "", "", "", "", "gap" if s.gap else "")
                                                   for s in states if not s.holders]
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2])))
    overlapping = [s.when for s in states if s.overlapping]
    gap = [s.when for s in states if s.gap]
    return _emit(args, states, lambda: f"# {data.label(scope)}\n" + table(
        ("when", "kind", "holder", "period", "accountability", "sources", "overlap", "gap"), rows)
        + f"\nmore than one line in the same kind of role: {_spans(overlapping) or 'never'}"
        + f"\nno leading holder (gap): {_spans(gap) or 'never'}")


def _spans(whens: list[str]) -> str:
    """Years as runs: ["2002", "2003", "2005"] → "2002–2003, 2005" (dates are listed as they are)."""
    if not all(w.isdigit() for w in whens):
        return ", ".join(whens)
    runs: list[list[int]] = []
    for year in sorted(int(w) for w in whens):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def run_lineage(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    today = parse_when(args.today) if args.today else None
    result = lineage.lineage_of(data, data.resolve(args.body, "body"), today=today, window_days=args.window)
    return _emit(args, result, lambda: _render_lineage(result))


def _render_lineage(r: lineage.Lineage) -> str:
    out = [f"{r.body.label}: {r.status}; today: {', '.join(b.label for b in r.today) or 'nobody'}"
           + (f"; orphaned at: {', '.join(b.label for b in r.orphaned)}" if r.orphaned else "")]
    for c in r.chains:
        steps = "".join(f" → [{s.kind}{' ' + s.date.isoformat() if s.date else ''}] {s.successor_label}"
                        for s in c.steps)
        out.append(f"  chain: {r.body.label}{steps} ({c.status})")
    rows = [(a.held_by.label, a.accountability.scope_label, a.accountability.kind, a.accountability.period(),
             _sources(a.accountability.sources), a.how, "; ".join(e.summary() for e in a.now),
             " → ".join(t.target.holder_label for t in a.path), "; ".join(e.summary() for e in a.alongside))
            for a in r.accountabilities]
    out += ["", "Inherited accountabilities", table(
        ("held by", "scope", "kind", "period", "sources", "how", "held today by", "via", "alongside"), rows,
        width=90)]
    rec_rows = [(x.date, x.made_by, x.recommendation, x.text, x.status, x.addressee.label, _sources(x.sources))
                for x in r.recommendations]
    out += ["", "Inherited recommendations",
            table(("date", "made by", "recommendation", "text", "status", "addressed to", "sources"), rec_rows)]
    return "\n".join(out)


def run_orphans(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    found = lineage.orphans(data, today=parse_when(args.today) if args.today else None)
    rows = [(o.body.label, o.body.end, len(o.accountabilities),
             ", ".join(sorted({a.accountability.scope_label for a in o.accountabilities if a.how == "lapsed"})),
             len(o.recommendations)) for o in found]
    return _emit(args, found, lambda: table(("body", "closed", "accountabilities", "lapsed scopes",
                                             "recommendations"), rows))


def run_changes(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    scope = data.resolve(args.scope, "scope") if args.scope else None
    first, second = parse_when(args.start), parse_when(args.end, end=True)
    note = ""
    if second < first:  # "changes 2023 2018": the periods the other way round, 1 January 2018 to 31 December 2023
        first, second = parse_when(args.end), parse_when(args.start, end=True)
        note = f"the dates were given latest first: compared {first.isoformat()} with {second.isoformat()}"
    result = changes.changes_between(data, first, second, scope=scope, window_days=args.window)
    result.note = note or result.note
    return _emit(args, result, lambda: _render_changes(result))


def _render_changes(c: changes.Changes) -> str:
    def ev_rows(items: list[Any]) -> list[tuple[Any, ...]]:
        return [(e.scope_label, e.kind, e.holder_label, e.period(), e.accountability, _sources(e.sources))
                for e in items]

    head = ("scope", "kind", "holder", "period", "accountability", "sources")
    chain_rows = [(t.source.scope_label, t.source.kind, t.source.holder_label, t.target.holder_label,
                   f"{t.target.kind} for {t.target.scope_label}", " → ".join(
                       f"{s.target.holder_label} ({s.via})" for s in t.steps),
                   _sources(t.source.sources), _sources(t.target.sources)) for t in c.transferred]
    counts = c.counts
    parts = "; ".join(f"{n} {k.removeprefix('steps: ')}" for k, n in counts.items() if k.startswith("steps: "))
    return "\n".join([
        f"Changes from {c.start} to {c.end} (transfer window {c.window_days} days): {counts['unchanged']} unchanged, "
        f"{counts['transferred']} transferred, {counts['added']} added, {counts['removed']} removed, "
        f"{counts['came and went']} came and went; {counts['hand-over steps']} hand-over step(s)"
        + (f" ({parts})" if parts else ""), *([f"note: {c.note}"] if c.note else []), "",
        f"Transferred ({len(c.transferred)}): in force on the first date, passed on to what is in force on the "
        "second", table(("scope", "kind", "from", "to", "now", "steps", "sources from", "sources to"), chain_rows),
        "",
        f"Added ({len(c.added)})", table(head, ev_rows(c.added)), "",
        f"Removed ({len(c.removed)})", table(head, ev_rows(c.removed)), "",
        f"Came and went ({len(c.came_and_went)})", table(head, ev_rows(c.came_and_went)), "",
        f"Unchanged ({len(c.unchanged)}): in force on both dates", table(head, ev_rows(c.unchanged)), "",
        f"Hand-over steps between the two dates ({len(c.steps)}), each with the parts above it joins", table(
            ("date", "scope", "kind", "from", "to", "via", "joins", "days between", "sources from", "sources to"),
            [(t.target.start, t.source.scope_label, t.source.kind, t.source.holder_label, t.target.holder_label,
              t.via if t.same_scope else f"{t.via} (to {t.target.kind} for {t.target.scope_label})", t.part,
              t.days_between, _sources(t.source.sources), _sources(t.target.sources)) for t in c.steps])])


def run_sro_turnover(args: argparse.Namespace, settings: Settings) -> int:
    data = _load(settings)
    scope = data.resolve(args.scope, "scope") if args.scope else None
    today = parse_when(args.today) if args.today else None
    result = sro.sro_turnover(data, department=args.department, scope=scope, today=today)
    return _emit(args, result, lambda: _render_sro(result))


def _render_sro(r: sro.SroTurnover) -> str:
    rows = [(p.project, ", ".join(p.departments), t.holder_label, t.start, t.end or "today", t.years,
             "change" if t.change else "", ", ".join(t.joint_with), _sources(t.evidence.sources))
            for p in r.projects for t in p.tenures]
    projects = [(p.project, ", ".join(p.departments), p.people, len(p.tenures), p.changes, p.mean_years,
                 "joint" if p.joint else "") for p in r.projects]
    departments = [(d.label, d.projects, d.people, d.tenures, d.changes, d.changes_per_project,
                    d.projects_with_changes, d.joint_projects, d.mean_years) for d in r.departments]
    where = f" led by {r.department}" if r.department else ""
    return "\n".join([
        f"SRO tenure and turnover: {len(r.projects)} project(s){where}, {r.tenures} tenure(s), {r.changes} "
        f"change(s) of SRO", "",
        "Who held the SRO role, from when to when (a GMPP tenure is the reporting years that name them)",
        table(("project", "department", "SRO", "from", "to", "years", "change", "joint with", "sources"), rows), "",
        "Per project", table(("project", "department", "SROs", "tenures", "changes", "mean years", "joint"),
                             projects), "",
        "Per department", table(("department", "projects", "SROs", "tenures", "changes", "changes per project",
                                 "projects with changes", "projects with joint SROs", "mean years"), departments)])


def _threshold(args: argparse.Namespace, settings: Settings, name: str, default: float) -> float:
    """The --threshold flag, else the setting ``name`` when the settings table has it, else ``default``."""
    if args.threshold is not None:
        return float(args.threshold)
    return float(getattr(settings, name, default))


def _narrowing(args: argparse.Namespace) -> LessonFilter:
    return LessonFilter.of({"programme": args.programme, "source": args.source, "body": args.body,
                            "body_kind": args.body_kind, "year_from": args.from_year, "year_to": args.to_year})


def _similarity_data(settings: Settings) -> tuple[GovernanceData, Any, Any]:
    """The records, and the search index's vectors with an embedder for the texts it does not hold (None, None
    without semantic search: the analyses then embed with the model)."""
    with open_backend(settings, read_only=True) as store:
        if not store.sources():
            raise InputError("the store is empty", hint="run `govkg ingest` first")
        data = GovernanceData.load(store)
        try:
            from graph.search.vectors import analytics_vectors
        except ImportError:
            return data, None, None
        vectors, embedder = analytics_vectors(store, settings)
    return data, vectors, embedder


def run_coverage(args: argparse.Namespace, settings: Settings) -> int:
    narrow = _narrowing(args)
    data, vectors, embedder = _similarity_data(settings)
    threshold = _threshold(args, settings, "coverage_threshold", coverage.DEFAULT_THRESHOLD)
    since = parse_when(args.since) if args.since else coverage.DEFAULT_SINCE
    report = coverage.lesson_coverage(data, threshold=threshold, since=since, model=settings.model,
                                      embedder=embedder, vectors=vectors, narrow=narrow,
                                      kinds=tuple(args.kind or coverage.KINDS))
    return _emit(args, report, lambda: _render_coverage(report, report.lessons))


def _render_coverage(r: coverage.CoverageReport, lessons: list[coverage.LessonCoverage]) -> str:
    rows = [(c.date, c.raised_by, c.programme, c.lesson, c.status,
             "; ".join(f"{m.kind} {m.key} ({m.by}{f' {m.score:.2f}' if 'similarity' in m.by else ''})"
                       for m in c.matches[:3]) + (f"; +{len(c.matches) - 3} more" if len(c.matches) > 3 else ""),
             ", ".join(m.key for m in c.earlier), _sources(c.sources))
            for c in lessons]
    counts = {s: sum(1 for c in lessons if c.status == s) for s in (coverage.COVERED, coverage.PARTIAL,
                                                                     coverage.NOT_COVERED)}
    target_rows = [(t.target, t.set_on, t.deadline, t.set_by,
                    "; ".join(f"{p.lesson} {p.score:.2f}" for p in t.precedents) or "(none)") for t in r.commitments]
    narrowed = ", ".join(f"{k} {v}" for k, v in r.filters.items() if k != "kinds")
    return "\n".join([
        f"Lessons coverage: similarity threshold {r.threshold}, current since {r.since}, model {r.model}"
        + (f"; lessons of {narrowed}" if narrowed else "")
        + (f"; addressed by {', '.join(r.filters['kinds'])}" if r.filters.get("kinds") != list(coverage.KINDS)
           else ""),
        table(("date", "raised by", "programme", "lesson", "status", "addressed by", "earlier links", "sources"),
              rows, width=160),
        ", ".join(f"{n} {s}" for s, n in counts.items()), "",
        f"Current commitments and their precedents ({len(r.unprecedented())} without precedent)",
        table(("target", "set on", "deadline", "set by", "similar earlier lessons"), target_rows)])


def run_recurring(args: argparse.Namespace, settings: Settings) -> int:
    narrow = _narrowing(args)
    data, vectors, embedder = _similarity_data(settings)
    threshold = _threshold(args, settings, "recurring_threshold", recurring.DEFAULT_THRESHOLD)
    report = recurring.recurring_lessons(data, threshold=threshold, same_theme=not args.any_theme,
                                         model=settings.model, embedder=embedder, vectors=vectors, narrow=narrow,
                                         limit=args.top or None)
    return _emit(args, report, lambda: _render_recurring(report))


def _render_recurring(report: recurring.RecurringReport) -> str:
    narrowed = ", ".join(f"{k} {v}" for k, v in report.filters.items())
    shown = (f"{report.total} group(s)" if len(report.groups) == report.total
             else f"{report.total} group(s), the first {len(report.groups)} shown (--top)")
    out = [f"Recurring lessons: similarity threshold {report.threshold}, same theme: {report.same_theme}, "
           f"model {report.model}; {report.lessons:,} lessons compared" + (f" ({narrowed})" if narrowed else "")]
    number = 0
    for theme, groups in report.by_theme().items():
        rows = []
        for g in groups:
            number += 1
            rows += [(number, g.occasions, g.similarity, x.date, x.raised_by, x.programme, x.lesson, x.title,
                      _sources(x.sources)) for x in g.lessons]
        out += ["", f"{theme or 'no shared theme'} ({len(groups)} group(s))",
                table(("group", "occasions", "similarity", "date", "raised by", "programme", "lesson", "title",
                       "sources"), rows)]
    out.append(shown)
    return "\n".join(out)


def run_network(args: argparse.Namespace, settings: Settings) -> int:
    from graph.analytics import network

    data = _load(settings)
    g = network.body_network(data)
    report = network.analyse_network(g)
    if args.export:
        path = network.write_network(g, args.export)
        sys.stderr.write(f"wrote {path} ({report.nodes} bodies, {report.edges} ties)\n")
    top = report.bodies[: args.top] if args.top else report.bodies
    rows = [(b.label, b.kind, b.community, b.degree, b.strength, b.betweenness, b.pagerank) for b in top]
    if args.format == "json":
        report.bodies = top
    return _emit(args, report, lambda: "\n".join([
        table(("body", "kind", "community", "degree", "strength", "betweenness", "pagerank"), rows),
        f"{report.nodes} bodies, {report.edges} ties ({', '.join(f'{k} {v}' for k, v in report.relations.items())})",
        *(f"community {i}: {', '.join(c)}" for i, c in enumerate(report.communities) if len(c) > 1)]))


ANALYSES: dict[str, tuple[Handler, str]] = {
    "overlaps": (run_overlaps, "different lines holding the same kind of role for a scope at once"),
    "gaps": (run_gaps, "stretches inside a scope's life with no leading holder"),
    "accountable": (run_accountable, "who held each kind of role for a scope, in a year, on a day or every year"),
    "lineage": (run_lineage, "a body's successor today, the chain, and the accountabilities and recommendations it inherited"),
    "orphans": (run_orphans, "bodies closed with no successor, with what they held"),
    "changes": (run_changes, "accountabilities unchanged, transferred, added, removed, and come and gone between "
                             "two dates"),
    "sro-turnover": (run_sro_turnover, "who held each project's SRO role, for how long, and how often it changed, "
                                       "per project and per department"),
    "coverage": (run_coverage, "lessons covered, partly covered or not by current recommendations, targets and programmes"),
    "recurring": (run_recurring, "lessons that say the same thing across sources and years"),
    "network": (run_network, "centrality and communities of the body network; GraphML/GEXF export"),
}


def cmd_analyse(args: argparse.Namespace, settings: Settings) -> int:
    if args.json:
        args.format = "json"
    token = _WIDE.set(args.wide)
    try:
        return ANALYSES[args.analysis][0](args, settings)
    finally:
        _WIDE.reset(token)


def register(subparsers: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    """Add ``govkg analyse`` and its subcommands (called by cli.main)."""
    command("analyse")(cmd_analyse)
    parser = subparsers.add_parser("analyse", help="governance analytics: overlaps, gaps, lineage, changes, SRO "
                                                   "turnover, lessons coverage, recurring lessons, the body network")
    sub = parser.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")
    p: dict[str, argparse.ArgumentParser] = {}
    for name, (_, text) in ANALYSES.items():
        p[name] = sub.add_parser(name, help=text, description=text)
        p[name].add_argument("--format", choices=["table", "json"], default="table")
        p[name].add_argument("--json", action="store_true", help="same as --format json")
        p[name].add_argument("--wide", action="store_true", help="table: each value whole on one line (default: "
                                                                 "long values wrap within their column)")
    for name in ("overlaps", "gaps", "changes", "sro-turnover"):
        p[name].add_argument("--scope", help="only this scope (key, label or IRI)")
    p["sro-turnover"].add_argument("--department", help="only the projects this department leads (key, label or "
                                                        "abbreviation: dhsc)")
    p["sro-turnover"].add_argument("--today", help="the date an SRO still in post is counted to (default: today)")
    for name in ("overlaps", "accountable"):
        p[name].add_argument("--include-shared", action="store_true",
                             help="count oversight, scrutiny, funding and delivery too")
    p["gaps"].add_argument("--by", choices=["year", "day"], default="year",
                           help="year: gaps holding a whole calendar year (as the canned query); day: every gap")
    p["accountable"].add_argument("scope", help="the scope (key, label or IRI)")
    when = p["accountable"].add_mutually_exclusive_group()
    when.add_argument("--year", type=int)
    when.add_argument("--date", help="YYYY-MM-DD")
    p["lineage"].add_argument("body", help="the body (key, label, abbreviation or IRI)")
    for name in ("lineage", "orphans"):
        p[name].add_argument("--today", help="the date to treat as today (default: today)")
    p["changes"].add_argument("start", help="the first date (YYYY, YYYY-MM or YYYY-MM-DD; a period's first day)")
    p["changes"].add_argument("end", help="the second date (a period's last day)")
    for name in ("changes", "lineage"):
        p[name].add_argument("--window", type=int, default=changes.DEFAULT_WINDOW_DAYS,
                             help="days between one holder's end and the next one's start that still make a transfer")
    for name in ("coverage", "recurring"):
        p[name].add_argument("--threshold", type=float, help="similarity (0-1) from which texts count as alike")
        p[name].add_argument("--programme", action="append", metavar="P",
                             help="only lessons learned from this programme or its parts (key, label or IRI)")
        p[name].add_argument("--source", action="append", metavar="S",
                             help="only lessons citing this source (a key such as nao20 or dataset-llis)")
        p[name].add_argument("--body", action="append", metavar="B", help="only lessons raised by this body")
        p[name].add_argument("--body-kind", action="append", metavar="K",
                             help="only lessons raised by a body of this kind (committee, audit-office …)")
        p[name].add_argument("--from-year", type=int, help="only lessons raised in or after this year")
        p[name].add_argument("--to-year", type=int, help="only lessons raised in or before this year")
    p["coverage"].add_argument("--since", help=f"start of the current period (default {coverage.DEFAULT_SINCE})")
    p["coverage"].add_argument("--kind", action="append", choices=coverage.KINDS,
                               help="what counts as addressing a lesson (repeatable; default: all three)")
    p["recurring"].add_argument("--any-theme", action="store_true", help="do not require a shared theme")
    p["recurring"].add_argument("--top", type=int, default=recurring.DEFAULT_LIMIT,
                                help=f"show the N best-ranked groups (default {recurring.DEFAULT_LIMIT}; 0: all)")
    p["network"].add_argument("--export", metavar="FILE", help="write the network as FILE.graphml or FILE.gexf")
    p["network"].add_argument("--top", type=int, help="show only the N most central bodies")
