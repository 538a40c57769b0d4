"""Lines of accountability: which holders count as one when overlaps are counted.

accountability-overlaps.rq treats a post and the body it is in, a unit and its parent body, and a person and
a post they held as one line, one step at a time. Here the same steps are followed upwards as far as they
go (person → post → body → parent → …), records linked as the same body (``owl:sameAs``) are one, and a body
and the body it was *renamed* to count as one: a rename
is the same organisation under a new name, and the data records parents under their current names (the
National Information Board's parent is the Department of Health and Social Care, also for 2014–2017, when
it was called the Department of Health). Siblings — two units of one parent, two posts in one body — are
not one line: two of them holding the same role is an overlap, as in the canned query.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from graph.analytics.data import GovernanceData


class Lines:
    """Answers ``same_line(a, b)`` and ``bodies_of(holder)`` for the holders of one :class:`GovernanceData`."""

    def __init__(self, data: GovernanceData) -> None:
        self.data = data
        self._up: dict[str, set[str]] = defaultdict(set)
        self._posts_of_person: dict[str, set[str]] = defaultdict(set)
        for tenure in data.tenures:
            self._up[tenure.person].add(tenure.post)
            self._posts_of_person[tenure.person].add(tenure.post)
        for post, post_body in data.posts.items():
            if post_body:
                self._up[post].add(post_body)
        for body in data.bodies.values():
            if body.parent:
                self._up[body.iri].add(body.parent)
        self._renamed: dict[str, set[str]] = defaultdict(set)
        for step in data.lineage:
            if step.kind == "renamed":
                self._renamed[step.predecessor].add(step.successor)
                self._renamed[step.successor].add(step.predecessor)
        self.up = cache(self._up_closure)

    def same_body(self, iri: str) -> set[str]:
        """``iri``, the records linked to it as the same body, and every body it was renamed from or to."""
        seen, todo = {iri}, [iri]
        while todo:
            node = todo.pop()
            for other in self._renamed.get(node, set()) | (self.data.linked(node) if self.data.same else set()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def _up_closure(self, holder: str) -> frozenset[str]:
        """The holder, everything it sits in (post's body, unit's parents, a person's posts) and renames of those."""
        seen = set(self.same_body(holder))
        todo = list(seen)
        while todo:
            for above in self._up.get(todo.pop(), ()):
                for same in self.same_body(above):
                    if same not in seen:
                        seen.add(same)
                        todo.append(same)
        return frozenset(seen)

    def same_line(self, a: str, b: str) -> bool:
        """True when ``a`` sits in ``b`` or ``b`` in ``a`` (or they are one body under two names)."""
        return a == b or b in self.up(a) or a in self.up(b)

    def bodies_of(self, holder: str) -> set[str]:
        """The nearest bodies of a holder: itself if a body, a post's body, the bodies of a person's posts."""
        if holder in self.data.bodies:
            return {holder}
        if holder in self.data.posts:
            body = self.data.posts[holder]
            return {body} if body else set()
        return {b for post in self._posts_of_person.get(holder, ()) if (b := self.data.posts.get(post))}

    def members(self, body: str) -> set[str]:
        """The holders that act for ``body``: the body, its posts and the people who held them."""
        posts = {p for p, b in self.data.posts.items() if b == body}
        people = {t.person for t in self.data.tenures if t.post in posts}
        return {body} | posts | people
