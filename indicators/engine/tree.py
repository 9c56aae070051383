"""The indicator tree: areas -> dimensions -> leaves, with weights relative to siblings.

The overall score is the implicit root (column code ``OVERALL``); top-level nodes (areas)
have ``parent=None``. A ``Tree`` validates itself on construction and precomputes the
column layout and a post-order aggregation plan, so scoring never walks dictionaries per row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from indicators.engine.levels import Level
from indicators.engine.rules import Rule

#: Column code of the implicit root (the overall score). Reserved: no node may use it.
OVERALL = "OVERALL"


class TreeError(ValueError):
    """The tree (or its maturity levels) is inconsistent; the message names the culprit."""


@dataclass(frozen=True)
class Node:
    """One indicator node.

    ``weight`` is relative to siblings (only ratios matter); ``order`` sorts siblings for
    display. Leaves (nodes without children) must carry a scoring ``rule``. ``veto_at``:
    if this node's score is at or below this value, its parent scores 0 whatever its other
    children (UN EGDI 2012: no national portal, OSI = 0, gives EGDI = 0).
    """

    code: str
    parent: str | None
    weight: float = 1.0
    order: int = 0
    rule: Rule | None = None
    veto_at: float | None = None
    name: str = ""


@dataclass(frozen=True)
class Step:
    """Aggregate ``children`` (column indices) into ``column`` with these relative weights."""

    column: int
    children: tuple[int, ...]
    weights: tuple[float, ...]
    veto_at: tuple[float | None, ...]


@dataclass(frozen=True, eq=False)
class Tree:
    """A validated indicator tree plus its maturity levels.

    Column layout used by every result matrix: ``columns`` = node codes in depth-first
    pre-order (siblings by ``order`` then code), then ``OVERALL`` last. Raw input matrices
    have one column per leaf in ``leaf_codes`` order.
    """

    nodes: tuple[Node, ...]
    levels: tuple[Level, ...] = ()
    columns: tuple[str, ...] = field(init=False)
    leaf_codes: tuple[str, ...] = field(init=False)
    area_codes: tuple[str, ...] = field(init=False)
    plan: tuple[Step, ...] = field(init=False)

    def __init__(self, nodes: Iterable[Node], levels: Iterable[Level] = ()) -> None:
        object.__setattr__(self, "nodes", tuple(nodes))
        object.__setattr__(self, "levels", tuple(levels))
        self._validate_nodes()
        children = self._children()
        columns: list[str] = []
        stack = list(reversed(children[None]))
        while stack:  # iterative pre-order; cycles were rejected above
            code = stack.pop()
            columns.append(code)
            stack.extend(reversed(children[code]))
        columns.append(OVERALL)
        object.__setattr__(self, "columns", tuple(columns))
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(columns)})
        object.__setattr__(self, "_children_of", children)
        object.__setattr__(self, "_by_code", {n.code: n for n in self.nodes})
        leaves = tuple(c for c in columns[:-1] if not children[c])
        object.__setattr__(self, "leaf_codes", leaves)
        leaf_columns = np.array([self.column(c) for c in leaves], dtype=np.intp)
        leaf_columns.flags.writeable = False
        object.__setattr__(self, "_leaf_columns", leaf_columns)
        object.__setattr__(self, "area_codes", tuple(children[None]))
        object.__setattr__(self, "plan", self._plan(children))
        self._validate_levels()

    # -- construction -------------------------------------------------------------------

    def _validate_nodes(self) -> None:
        if not self.nodes:
            raise TreeError("the tree has no nodes")
        by_code: dict[str, Node] = {}
        for node in self.nodes:
            if not isinstance(node.code, str) or not node.code:
                raise TreeError(f"node code must be a non-empty string, got {node.code!r}")
            if node.code == OVERALL:
                raise TreeError(f"node code {OVERALL!r} is reserved for the overall score")
            if node.code in by_code:
                raise TreeError(f"duplicate node code {node.code!r}")
            w = node.weight
            if (
                isinstance(w, bool)
                or not isinstance(w, (int, float))
                or not (w > 0)
                or not (math.isfinite(w))
            ):
                raise TreeError(f"node {node.code!r}: weight must be a positive number, got {w!r}")
            by_code[node.code] = node
        for node in self.nodes:
            if node.parent is not None and node.parent not in by_code:
                raise TreeError(f"node {node.code!r} has unknown parent {node.parent!r}")
        for node in self.nodes:  # every chain of parents must end at a top-level node
            path = [node.code]
            current = node
            while current.parent is not None:
                if current.parent in path:
                    cycle = [*path[path.index(current.parent) :], current.parent]
                    raise TreeError("cycle in the tree: " + " -> ".join(cycle))
                path.append(current.parent)
                current = by_code[current.parent]
        has_children = {n.parent for n in self.nodes if n.parent is not None}
        for node in self.nodes:
            if node.code in has_children and node.rule is not None:
                raise TreeError(f"node {node.code!r} has children, so it cannot have a rule")
            if node.code not in has_children and node.rule is None:
                raise TreeError(f"leaf {node.code!r} has no scoring rule")
            if node.veto_at is not None and not math.isfinite(node.veto_at):
                raise TreeError(f"node {node.code!r}: veto_at must be finite")

    def _children(self) -> dict[str | None, list[str]]:
        children: dict[str | None, list[Node]] = {None: []}
        for node in self.nodes:
            children.setdefault(node.code, [])
            children.setdefault(node.parent, []).append(node)
        return {
            parent: [n.code for n in sorted(kids, key=lambda n: (n.order, n.code))]
            for parent, kids in children.items()
        }

    def _plan(self, children: dict[str | None, list[str]]) -> tuple[Step, ...]:
        node = self._by_code  # type: ignore[attr-defined]
        steps: list[Step] = []

        def visit(code: str | None) -> None:  # post-order: children before parents
            for child in children[code]:
                if children[child]:
                    visit(child)
            kids = children[code]
            steps.append(
                Step(
                    column=self.column(code if code is not None else OVERALL),
                    children=tuple(self.column(k) for k in kids),
                    weights=tuple(float(node[k].weight) for k in kids),
                    veto_at=tuple(node[k].veto_at for k in kids),
                )
            )

        visit(None)
        return tuple(steps)

    def _validate_levels(self) -> None:
        seen: set[str] = set()
        previous = -math.inf
        for level in self.levels:
            if level.code in seen:
                raise TreeError(f"duplicate maturity level {level.code!r}")
            seen.add(level.code)
            if not level.min_score > previous:
                raise TreeError(
                    f"maturity levels must have strictly increasing minimum scores "
                    f"({level.code!r}: {level.min_score} after {previous})"
                )
            previous = level.min_score
            for gate in level.leaf_gates:
                if gate.code not in self.leaf_codes:
                    raise TreeError(f"level {level.code!r} gates on unknown leaf {gate.code!r}")

    # -- lookups ------------------------------------------------------------------------

    def column(self, code: str) -> int:
        """Column index of a node code (or ``OVERALL``) in result matrices."""
        try:
            return self._index[code]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"unknown node code {code!r}") from None

    def children(self, code: str | None) -> tuple[str, ...]:
        """Child codes of a node; ``None`` or ``OVERALL`` gives the areas."""
        key = None if code == OVERALL else code
        return tuple(self._children_of[key])  # type: ignore[attr-defined]

    def node(self, code: str) -> Node:
        try:
            return self._by_code[code]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"unknown node code {code!r}") from None

    @property
    def leaf_columns(self) -> np.ndarray:
        """Column index of each leaf (read-only), in ``leaf_codes`` order."""
        return self._leaf_columns  # type: ignore[attr-defined]

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(self.node(c).rule for c in self.leaf_codes)  # type: ignore[misc]

    def base_weights(self) -> np.ndarray:
        """Relative weight of every column (1.0 for OVERALL), for Monte Carlo perturbation."""
        w = np.ones(len(self.columns))
        for n in self.nodes:
            w[self.column(n.code)] = n.weight
        return w

    def subplan(self, code: str) -> tuple[Step, ...]:
        """The steps needed to compute ``code`` (its internal descendants, then itself)."""
        target = self.column(code)
        wanted = {target}
        picked: list[Step] = []
        for step in reversed(self.plan):  # parents come after children: walk top-down
            if step.column in wanted:
                picked.append(step)
                wanted.update(step.children)
        if not picked:
            raise ValueError(f"{code!r} is a leaf: it has no aggregate to compute")
        return tuple(reversed(picked))

    def points(self) -> dict[str, float]:
        """Global points of every node out of 100: product of sibling shares along the path.

        With the default system this gives areas 30/30/20/20 and e.g. DS.1.1 = 2.5.
        """
        out: dict[str, float] = {}

        def walk(parent: str | None, scale: float) -> None:
            kids = self._children_of[parent]  # type: ignore[attr-defined]
            total = math.fsum(self.node(k).weight for k in kids)
            for k in kids:
                out[k] = scale * self.node(k).weight / total
                walk(k, out[k])

        walk(None, 100.0)
        return {c: out[c] for c in self.columns[:-1]}

    def leaf_points(self) -> dict[str, float]:
        pts = self.points()
        return {c: pts[c] for c in self.leaf_codes}
