"""The reconciliation report as the command line prints it (``govkg reconcile --report``): a summary, then every
link, ambiguity, membership and GMPP match with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ingest.reconcile import NHS_TRUSTS, PORTFOLIO, Reconciliation, summary, who


def render(result: Reconciliation, *, full: bool) -> Iterable[str]:
    """Lines for the command line: a summary, and with ``full`` every match and ambiguity."""
    data = result.as_dict()
    reasons = ", ".join(f"{n} by {r}" for r, n in data["by_reason"].items()) or "none"
    yield f"{sum(result.records.values()):,} records from {len(result.records)} sources; " \
          f"{len(result.matches)} links ({reasons}); {len(result.ambiguous)} ambiguous"
    if result.collective:
        yield f"{len(result.memberships)} members of {who(result.collective)} by org:memberOf " \
              f"({summary(data['membership_by_reason'])}); {len(result.not_members)} trusts not members"
    else:
        yield f"no membership links: the collective body id:body/{NHS_TRUSTS.key} is not in the store"
    if any(result.portfolio.values()):
        yield "GMPP: " + "; ".join(f"{len(v)} {_PORTFOLIO_SHORT[k]}" for k, v in result.portfolio.items())
    if not full:
        return
    yield ""
    yield f"Matches ({len(result.matches)}):"
    for m in sorted(result.matches, key=lambda m: (m.reason, m.target["label"], m.subject["label"])):
        yield f"  {m.link}  {who(m.subject)}"
        yield f"        ↔  {who(m.target)}"
        yield f"        because: {m.reason}: {m.detail}"
    yield ""
    yield f"Ambiguous, not linked ({len(result.ambiguous)}):"
    for a in result.ambiguous:
        yield f"  {who(a.subject)}: {a.reason}: {a.detail}"
        for c in a.candidates:
            yield f"        ?  {who(c)}"
    if result.collective:
        yield ""
        yield f"Members of {who(result.collective)} ({len(result.memberships)}):"
        for m in result.memberships:
            yield f"  org:memberOf  {who(m.subject)}"
            yield f"        because: {m.reason}: {m.detail}"
        yield ""
        yield f"Not members ({len(result.not_members)}):"
        for n in result.not_members:
            yield f"  {who(n.subject)}"
            yield f"        because: {n.reason}: {n.detail}"
    yield from _render_portfolio(result.portfolio)
    if result.unmatched:
        yield ""
        yield f"Identifiers not in the register ({len(result.unmatched)}):"
        for u in result.unmatched:
            which = "govuk-slug" if "govuk-slug" in u else "ods-code"
            yield f"  {who(u)}: {which} {u[which]}"


_PORTFOLIO_SHORT = {"matched_by_name": "rows matched across years by name", "ambiguous_names": "ambiguous names",
                    "sro_people_merged": "SROs merged across departments",
                    "sro_same_name_not_merged": "SRO names shared across departments, not merged"}


def _render_portfolio(found: dict[str, list[Any]]) -> Iterable[str]:
    for name, entries in found.items():
        if not entries:
            continue
        yield ""
        yield f"{PORTFOLIO[name]} ({len(entries)}):"
        for e in entries:
            if name == "sro_same_name_not_merged":
                yield f"  {e['name']}: " + "; ".join(f"{p['person']} ({', '.join(p['departments'])}: "
                                                      f"{', '.join(p['projects'])})" for p in e["people"])
            elif name == "sro_people_merged":
                yield f"  {e['name']} ({e['person']}, {', '.join(e['departments'])})"
            else:
                yield f"  {e['year']} {e['name']!r} ({e['department']}) at {e['at']}"
                for c in e.get("candidates", []):
                    yield f"        ?  {c['project']} ({', '.join(c['years'])})"
            yield f"        because: {e['reason']}"
