"""Rows for the explorer's analytics page: lessons coverage, recurring lessons, orphaned bodies, the body network.

Plain functions over graph.analytics results (no Streamlit), so the page only lays them out.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from graph.analytics import GovernanceData, lesson_coverage, orphans, recurring_lessons
from graph.analytics.narrow import LessonFilter
from graph.analytics.network import analyse_network, body_network, write_network

RECURRING_SHOWN = 40  # groups listed (ranked); the page says how many there are


def lesson_filter_choices(data: GovernanceData) -> dict[str, dict[str, str]]:
    """What the lessons can be narrowed to (key → label): the programmes they were learned from, the sources
    they cite and the bodies that raised them, each by how many lessons it has."""
    tallies: dict[str, dict[str, int]] = {"programme": {}, "source": {}, "body": {}}
    for x in data.lessons:
        for facet, keys in (("programme", [x.learned_from] if x.learned_from else []), ("source", list(x.sources)),
                            ("body", [x.raised_by] if x.raised_by else [])):
            for k in keys:
                tallies[facet][k] = tallies[facet].get(k, 0) + 1
    out: dict[str, dict[str, str]] = {}
    for facet, tally in tallies.items():
        ordered = sorted(tally, key=lambda k: (-tally[k], k))
        if facet == "source":
            out[facet] = {k: f"{data.sources[k].title or k if k in data.sources else k} ({tally[k]})"
                          for k in ordered}
        else:
            out[facet] = {data.key(k): f"{data.label(k)} ({tally[k]})" for k in ordered}
    return out


def coverage_rows(data: GovernanceData, threshold: float, model: str, *, vectors: Any = None,
                  embedder: Any = None, narrow: LessonFilter | None = None) -> dict[str, Any]:
    report = lesson_coverage(data, threshold=threshold, model=model, vectors=vectors, embedder=embedder,
                             narrow=narrow)
    lessons = [{
        "date": str(c.date or ""), "raised by": c.raised_by, "programme": c.programme_label, "lesson": c.title,
        "status": c.status,
        "addressed by": "; ".join(f"{m.kind} {m.key} ({m.by}{f' {m.score:.2f}' if m.score else ''})"
                                  for m in c.matches[:3]),
        "fact": f"lesson/{c.lesson}",
    } for c in report.lessons]
    counts: dict[str, int] = {}
    for c in report.lessons:
        counts[c.status] = counts.get(c.status, 0) + 1
    commitments = [{
        "target": t.label, "set on": str(t.set_on or ""), "deadline": str(t.deadline or ""),
        "similar earlier lessons": "; ".join(f"{p.title} ({p.score:.2f})" for p in t.precedents) or "none",
        "fact": f"target/{t.target}",
    } for t in report.commitments]
    return {"threshold": report.threshold, "since": str(report.since), "counts": counts, "lessons": lessons,
            "commitments": commitments}


def recurring_rows(data: GovernanceData, threshold: float, model: str, *, vectors: Any = None,
                   embedder: Any = None, narrow: LessonFilter | None = None,
                   limit: int = RECURRING_SHOWN) -> dict[str, Any]:
    """The best-ranked groups of recurring lessons (``limit``), filed under their themes, and how many there are."""
    report = recurring_lessons(data, threshold=threshold, model=model, vectors=vectors, embedder=embedder,
                               narrow=narrow, limit=limit)
    rows = [{
        "theme": g.theme, "first": str(g.first or ""), "last": str(g.last or ""), "occasions": g.occasions,
        "times raised": len(g.lessons), "similarity": round(g.similarity, 2), "themes": ", ".join(g.themes),
        "raised": "; ".join(f"{x.date or 'undated'} {x.raised_by}: {x.title}" for x in g.lessons),
    } for g in report.groups]
    return {"groups": rows, "total": report.total, "lessons": report.lessons}


def orphan_rows(data: GovernanceData) -> list[dict[str, Any]]:
    return [{"body": o.body.label, "closed": str(o.body.end or ""), "status": o.status,
             "held": len(o.accountabilities), "recommendations addressed": len(o.recommendations),
             "fact": f"body/{o.body.key}"} for o in orphans(data)]


def network_rows(data: GovernanceData) -> dict[str, Any]:
    g = body_network(data, include_isolated=False)
    report = analyse_network(g)
    bodies = [{"body": b.label, "kind": b.kind, "community": b.community, "degree": b.degree,
               "betweenness": round(b.betweenness, 3), "pagerank": round(b.pagerank, 4),
               "fact": f"body/{b.key}"} for b in report.bodies]
    return {"nodes": report.nodes, "edges": report.edges, "bodies": bodies, "communities": report.communities}


def network_file(data: GovernanceData, fmt: str) -> bytes:
    """The body network as GraphML or GEXF bytes, for Gephi."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_network(body_network(data), Path(tmp) / f"bodies.{fmt}", fmt)
        return path.read_bytes()
