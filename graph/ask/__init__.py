"""Questions in plain English, answered from the graph with their sources (``govkg ask``, ``/api/ask``, the
explorer's ask box).

One concept per module: :mod:`~graph.ask.kinds` (the kinds of question: canned queries with ``# ask:`` lines and
analyses described by YAML files), :mod:`~graph.ask.dates` (periods as people write them),
:mod:`~graph.ask.entities` (the graph's names, exact and fuzzy), :mod:`~graph.ask.slots` (parameters from a
question), :mod:`~graph.ask.understand` (the kind by similarity and patterns), :mod:`~graph.ask.analyses`,
:mod:`~graph.ask.provenance` (each row's sources), :mod:`~graph.ask.answer` (the answer and its summary),
:mod:`~graph.ask.asker` (all of it, with what is read once per store) and :mod:`~graph.ask.evaluation`.
Nothing is generated: every word of an answer is a row, a parameter or a label the graph holds.
"""

from graph.ask.answer import Answer
from graph.ask.asker import Asker

__all__ = ["Answer", "Asker"]
