"""Suppression of small cells in an aggregate export, and the ledger that keeps a later export to
the same recipient from being differenced against an earlier one.

A *cell* is one metric's units in one arm and one period: its n and its statistics (sum, sum of
squares, exposure; opaque numbers here, published or blanked together with n). An aggregate export
also reveals, per metric, every arm's total over the periods (the verdict is made of them), every
period's total over the arms, and the metric's grand total. In the terms of statistical disclosure
control each metric is a two-way frequency table, periods by arms, with both margins published.
The rules below follow the practice described by Hundepool et al., *Statistical Disclosure Control*
(Wiley, 2012), in its chapters on tabular data: a threshold rule for primary suppression, then
secondary (complementary) suppression by the hypercube method of Repsilber, which τ-ARGUS offers as
"GH": in a two-way table each hypercube is a rectangle of four cells.
k is ``min_cell_size``, a whole number of at least 2, 5 by default.

The rules of one export (:func:`suppress`)
==========================================

1. **Small totals withhold the metric.** When a published total of a metric (an arm's, a period's
   or the grand total) holds 0 < T < k units, no cell suppression can hide that group: every cell
   of the metric is suppressed and none of its totals may be published (reason ``withheld``; the
   metric is listed in ``withheld_metrics`` with ``small_total``). The bundle exports such a metric
   at the ``cards`` level only.
2. **Primary suppression.** A cell with 0 < n < k is suppressed (``primary``). A cell with n = 0 is
   published: it says that nobody fell in it, which is about the design, not about a person
   (in a frequency table a zero identifies nobody by itself); it is never primary, and
   it may be suppressed only as the fourth corner of a rectangle (rule 3), where a published zero
   would pin the others.
3. **Complementary suppression by rectangles.** A suppressed cell a = (arm, period) is protected
   when the suppressed cells hold a rectangle a, b = (other arm, period), c = (arm, other period),
   d = (other arm, other period) with n_b > 0, n_c > 0 and n_a + min(n_b, n_c) >= the cell's
   threshold (k for a primary cell). Moving t units round the rectangle (a and d up, b and c down)
   keeps every published total, so an attacker who knows all totals and all published cells
   cannot tell n_a from n_a + min(n_b, n_c): no suppressed cell is determined, and none can be shown
   to hold fewer than k units. Each unprotected cell, in the order the cells were given, takes the
   rectangle that suppresses the fewest additional units (then the fewest new cells, then the first
   in order); its new cells are ``complementary``. Every row and column with a suppressed cell then
   has at least two.
4. **The hidden group of a line is at least k.** In every row and column, the suppressed cells
   together hold 0 or at least k units (the published total less the published cells gives their
   sum); otherwise the line's published cell with the fewest (but some) units is suppressed too
   (``complementary``) and protected by rule 3 in its turn (threshold n + 1: not determined).
   Rules 3 and 4 are repeated until nothing changes. Rule 3 with the thresholds of rules 2, 7
   and 8 already gives this (a cell of fewer than k units, or of fewer than k new ones, has its own
   rectangle, whose two cells in each of its lines hold k or more); rule 4 adds cells only where a
   cell shrank since it was sent (rows voided), and guards against a change to rule 3.
5. **When no rectangle will do**, every cell of the metric is suppressed (``complementary``) and
   only the totals are published: with both margins at least k, any cell may then hold anything
   from max(0, R + C - N) to min(R, C) >= k. (When the recipient received cells of the metric
   before, the metric is withheld instead: ``differencing``.)

A metric of one arm or one period has cells equal to its totals: rule 1 then does all.

The rules across exports (:func:`protect_against_differencing`)
================================================================

The ledger records, per recipient and experiment, every cell and total sent (n, or ``None`` for a
suppressed cell). Given the ledger entries of earlier exports, an export adds to the rules above:

6. **Totals.** A metric whose total (arm, period or grand) differs from a value sent earlier by
   0 < |Δ| < k is withheld (``differencing``): the two totals' difference would be a group of
   fewer than k units with its sums. The export must wait until that total has grown by k or more.
7. **Cells.** A cell published earlier whose n now differs from an earlier published value by
   0 < |Δ| < k is suppressed (``differencing``) and protected by rule 3 with threshold v + k (v the
   largest such earlier value below n; n + 1 when the cell shrank): the recipient cannot exclude that
   the cell grew by k or more. A period that has grown by fewer than k units since it was sent is
   this case.
8. **Once suppressed, always suppressed.** A cell sent suppressed to a recipient is suppressed in
   every later export to them (``differencing``, threshold n + 1), so a new pattern cannot
   uncover an old suppressed value.
9. **What they know hides only its growth.** Units are added, so the recipient knows that a cell
   sent before with value v now holds at least v (the largest v sent). Such a cell can only hide
   its growth: wherever rules 3 and 4 count a cell's units (n_b and n_c of a rectangle, a line's
   hidden units, the candidates of rule 4) they count n - v for it instead of n, and a cell that
   has not grown cannot be a b or c corner at all.
10. A metric withheld in an export leaves nothing in the ledger (nothing of it was sent).

The ledger is per recipient: a bundle passed on to others is theirs too. To guard against
recipients pooling what they received, give the entries of every recipient of the experiment.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from . import _checks

#: The fewest units a published cell may hold, unless the export asks for more.
DEFAULT_MIN_CELL_SIZE = 5

#: (metric, arm, period): one cell.
CellKey = tuple[str, str, str]
#: (metric, arm or None, period or None): a cell, or a total over the arms (arm None), over the
#: periods (period None) or both (the metric's grand total).
LedgerKey = tuple[str, str | None, str | None]
Reason = Literal["primary", "complementary", "differencing", "withheld"]
#: A cell's place in its metric's table: (arm, period).
Place = tuple[str, str]
#: Rule 9: the units each cell can hide.
Slack = Mapping[Place, int]


@dataclass(frozen=True)
class Cell:
    """A metric's units in one arm and period: n and the statistics published or blanked with it."""

    metric: str
    arm: str
    period: str
    n: int
    statistics: Mapping[str, float] = field(default_factory=dict)

    @property
    def key(self) -> CellKey:
        return (self.metric, self.arm, self.period)


@dataclass(frozen=True)
class SentCell:
    """A cell as the export sends it: n and statistics, or None for both when suppressed (why)."""

    metric: str
    arm: str
    period: str
    n: int | None
    statistics: Mapping[str, float] | None
    reason: Reason | None = None

    @property
    def key(self) -> CellKey:
        return (self.metric, self.arm, self.period)

    @property
    def suppressed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class SuppressionResult:
    """What an aggregate export may send: the cells in the order given (suppressed ones blank,
    with their reason), the totals it may publish, and the metrics it must withhold."""

    min_cell_size: int
    cells: tuple[SentCell, ...]
    totals: Mapping[LedgerKey, int]
    withheld_metrics: Mapping[str, str]

    @property
    def reasons(self) -> dict[CellKey, Reason]:
        return {cell.key: cell.reason for cell in self.cells if cell.reason is not None}

    @property
    def suppressed(self) -> frozenset[CellKey]:
        return frozenset(cell.key for cell in self.cells if cell.suppressed)

    @property
    def data_removed(self) -> bool:
        """Whether anything was left out: the bundle then says that its aggregate results may
        differ from those computed at home."""
        return any(cell.suppressed for cell in self.cells) or bool(self.withheld_metrics)


@dataclass(frozen=True)
class LedgerCell:
    """What a recipient received of one cell or total of an experiment: n, or None (suppressed)."""

    recipient: str
    experiment: str
    metric: str
    arm: str | None
    period: str | None
    n: int | None

    @property
    def key(self) -> LedgerKey:
        return (self.metric, self.arm, self.period)


def validate_min_cell_size(value: Any, field: str = "min_cell_size") -> int:
    """k: a whole number (not a bool) of at least 2, else privacy.min_cell_size naming `field`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 2:
        _checks.invalid(field, "privacy.min_cell_size", value=repr(value))
    return int(value)


# ---------------------------------------------------------------------------------------------
# The public entry points


def suppress(cells: Iterable[Cell], k: int = DEFAULT_MIN_CELL_SIZE) -> SuppressionResult:
    """Rules 1-5 of the module's text: the cells of a first export to a recipient."""
    return protect_against_differencing(cells, (), k)


def protect_against_differencing(
    cells: Iterable[Cell],
    earlier: Iterable[LedgerCell],
    k: int = DEFAULT_MIN_CELL_SIZE,
    *,
    experiment: str | None = None,
) -> SuppressionResult:
    """Rules 1-10 of the module's text: the cells of an export to a recipient who received the
    ledger entries `earlier` (those of `experiment` only, when it is given)."""
    k = validate_min_cell_size(k)
    given = _checked_cells(cells)
    history = _History.of(earlier, experiment)
    by_metric: dict[str, list[Cell]] = {}
    for cell in given:
        by_metric.setdefault(cell.metric, []).append(cell)
    reasons: dict[CellKey, Reason] = {}
    totals: dict[LedgerKey, int] = {}
    withheld: dict[str, str] = {}
    for metric, metric_cells in by_metric.items():
        table = _Table(metric, metric_cells)
        why = _withheld_reason(table, history, k)
        if why is None:
            why = _protect(table, history, k, reasons)
        if why is not None:
            withheld[metric] = why
            for cell in metric_cells:
                reasons[cell.key] = "withheld"
        else:
            totals.update(table.totals())
    sent = tuple(
        SentCell(c.metric, c.arm, c.period, None, None, reasons[c.key])
        if c.key in reasons
        else SentCell(c.metric, c.arm, c.period, c.n, dict(c.statistics))
        for c in given
    )
    return SuppressionResult(k, sent, totals, withheld)


def ledger_entries(result: SuppressionResult, *, recipient: str, experiment: str) -> list[LedgerCell]:
    """The ledger entries of an export sent to `recipient`: each cell (n, or None when suppressed)
    and each published total; nothing of a withheld metric (rule 10)."""
    entries = [
        LedgerCell(recipient, experiment, cell.metric, cell.arm, cell.period, cell.n)
        for cell in result.cells
        if cell.metric not in result.withheld_metrics
    ]
    entries += [
        LedgerCell(recipient, experiment, metric, arm, period, n) for (metric, arm, period), n in result.totals.items()
    ]
    return entries


def ledger_to_dict(entry: LedgerCell) -> dict[str, Any]:
    """A ledger entry as a plain dict that JSON can hold (None for a total's arm or period and for
    a suppressed n)."""
    return {
        "recipient": entry.recipient,
        "experiment": entry.experiment,
        "metric": entry.metric,
        "arm": entry.arm,
        "period": entry.period,
        "n": entry.n,
    }


def ledger_from_dict(data: Mapping[str, Any], field: str = "ledger") -> LedgerCell:
    """A ledger entry from :func:`ledger_to_dict`'s dict; a missing or mistyped part is refused
    (privacy.ledger_entry naming `field`)."""

    def part(name: str, kinds: tuple[type, ...]) -> Any:
        if not isinstance(data, Mapping) or name not in data:
            _checks.invalid(field, "privacy.ledger_entry", name=name)
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, kinds) or (isinstance(value, int) and value < 0):
            _checks.invalid(field, "privacy.ledger_entry", name=name)
        return value

    text, optional_text, count = (str,), (str, type(None)), (int, type(None))
    return LedgerCell(
        part("recipient", text),
        part("experiment", text),
        part("metric", text),
        part("arm", optional_text),
        part("period", optional_text),
        part("n", count),
    )


# ---------------------------------------------------------------------------------------------
# Checking the cells


def _checked_cells(cells: Iterable[Cell]) -> list[Cell]:
    checked: list[Cell] = []
    seen: set[CellKey] = set()
    for index, cell in enumerate(cells):
        if not isinstance(cell, Cell):
            raise TypeError(f"cells[{index}]: expected a Cell, got {type(cell).__name__}")
        for name in ("metric", "arm", "period"):
            _checks.check_text(getattr(cell, name), f"cells[{index}].{name}")
        n = _checks.count(cell.n, f"cells[{index}].n")
        if n < 0:
            _checks.invalid(f"cells[{index}].n", "input.negative", value=n)
        if cell.key in seen:
            _checks.invalid(
                f"cells[{index}]", "privacy.cell_twice", metric=cell.metric, arm=cell.arm, period=cell.period
            )
        seen.add(cell.key)
        exact = type(cell.n) is int
        checked.append(cell if exact else Cell(cell.metric, cell.arm, cell.period, n, cell.statistics))
    return checked


# ---------------------------------------------------------------------------------------------
# One metric's table and the recipient's history


@dataclass
class _History:
    """What the recipient received before: every published value of each cell and total, and the
    cells sent suppressed."""

    published: dict[LedgerKey, set[int]]
    suppressed: set[LedgerKey]

    @staticmethod
    def of(earlier: Iterable[LedgerCell], experiment: str | None) -> _History:
        history = _History({}, set())
        for entry in earlier:
            if not isinstance(entry, LedgerCell):
                raise TypeError(f"earlier: expected LedgerCell entries, got {type(entry).__name__}")
            if experiment is not None and entry.experiment != experiment:
                continue
            if entry.n is None:
                history.suppressed.add(entry.key)
            else:
                history.published.setdefault(entry.key, set()).add(entry.n)
        return history

    def close_values(self, key: LedgerKey, n: int, k: int) -> list[int]:
        """The values sent before that differ from n by 0 < |Δ| < k."""
        return sorted(v for v in self.published.get(key, ()) if 0 < abs(n - v) < k)


class _Table:
    """A metric's cells as a table of arms (columns) by periods (rows), in the order first given."""

    def __init__(self, metric: str, cells: list[Cell]) -> None:
        self.metric = metric
        self.n: dict[Place, int] = {(c.arm, c.period): c.n for c in cells}
        self.arms = list(dict.fromkeys(c.arm for c in cells))
        self.periods = list(dict.fromkeys(c.period for c in cells))
        self.order = {(c.arm, c.period): index for index, c in enumerate(cells)}

    def arm_total(self, arm: str) -> int:
        return sum(n for (a, _), n in self.n.items() if a == arm)

    def period_total(self, period: str) -> int:
        return sum(n for (_, p), n in self.n.items() if p == period)

    def totals(self) -> dict[LedgerKey, int]:
        out: dict[LedgerKey, int] = {(self.metric, arm, None): self.arm_total(arm) for arm in self.arms}
        out.update({(self.metric, None, period): self.period_total(period) for period in self.periods})
        out[(self.metric, None, None)] = sum(self.n.values())
        return out

    def lines(self) -> list[list[Place]]:
        """Every row (a period across the arms) and column (an arm across the periods)."""
        rows = [[(a, p) for a in self.arms if (a, p) in self.n] for p in self.periods]
        columns = [[(a, p) for p in self.periods if (a, p) in self.n] for a in self.arms]
        return rows + columns


def _withheld_reason(table: _Table, history: _History, k: int) -> str | None:
    """Rules 1 and 6: a total that is itself a small group, or differs by less than k from one
    the recipient received."""
    totals = table.totals()
    if any(0 < n < k for n in totals.values()):
        return "small_total"
    if any(history.close_values(key, n, k) for key, n in totals.items()):
        return "differencing"
    return None


# ---------------------------------------------------------------------------------------------
# Rules 2-5 and 7-9 on one metric


def _protect(table: _Table, history: _History, k: int, reasons: dict[CellKey, Reason]) -> str | None:
    """Suppress the table's cells by rules 2-5 and 7-9, writing their reasons into `reasons`;
    the reason to withhold the metric instead (rule 5 after earlier exports), or None."""
    metric = table.metric
    sent_before = {cell: history.published.get((metric, cell[0], cell[1])) for cell in table.n}
    largest_sent = {cell: max(values) for cell, values in sent_before.items() if values}
    known = set(largest_sent)
    # Rule 9: what a cell can hide is its growth since the recipient last saw it.
    slack = {cell: max(0, n - largest_sent.get(cell, 0)) for cell, n in table.n.items()}
    threshold: dict[Place, int] = {}
    chosen: dict[Place, Reason] = {}
    for cell, n in table.n.items():
        key = (metric, cell[0], cell[1])
        if 0 < n < k:
            chosen[cell], threshold[cell] = "primary", k
        below = [v for v in history.close_values(key, n, k) if v < n]
        if history.close_values(key, n, k):
            threshold[cell] = max(threshold.get(cell, 0), max(below) + k if below else n + 1)
            chosen.setdefault(cell, "differencing")
        if key in history.suppressed:
            threshold[cell] = max(threshold.get(cell, 0), n + 1)
            chosen.setdefault(cell, "differencing")

    def by_order(cell: Place) -> int:
        return table.order[cell]

    changed = True
    while changed:
        changed = False
        for cell in sorted(threshold, key=by_order):
            if _protected(table, chosen, slack, cell, threshold[cell]):
                continue
            corners = _best_rectangle(table, chosen, slack, cell, threshold[cell])
            if corners is None:
                return _suppress_all(table, known, chosen, reasons)
            for corner in corners:
                chosen.setdefault(corner, "complementary")
            changed = True
        for line in table.lines():
            hidden = sum(slack[c] for c in line if c in chosen)
            if 0 < hidden < k:
                candidates = [c for c in line if c not in chosen and slack[c] > 0]
                if not candidates:
                    return _suppress_all(table, known, chosen, reasons)
                added = min(candidates, key=lambda c: (slack[c], by_order(c)))
                chosen[added] = "complementary"
                threshold[added] = table.n[added] + 1
                changed = True
    for cell, reason in chosen.items():
        reasons[(metric, cell[0], cell[1])] = reason
    return None


def _rectangles(table: _Table, cell: Place) -> Iterable[tuple[Place, Place, Place]]:
    """Every (b, c, d) that makes a rectangle with `cell` from cells of the table."""
    arm, period = cell
    for other_arm in table.arms:
        if other_arm == arm or (other_arm, period) not in table.n:
            continue
        for other_period in table.periods:
            if other_period == period:
                continue
            c, d = (arm, other_period), (other_arm, other_period)
            if c in table.n and d in table.n:
                yield (other_arm, period), c, d


def _protects(table: _Table, slack: Slack, cell: Place, b: Place, c: Place, need: int) -> bool:
    """Rule 3's condition, with rule 9's slack for what b and c can give."""
    return slack[b] > 0 and slack[c] > 0 and table.n[cell] + min(slack[b], slack[c]) >= need


def _protected(table: _Table, chosen: Mapping[Place, Reason], slack: Slack, cell: Place, need: int) -> bool:
    return any(
        b in chosen and c in chosen and d in chosen and _protects(table, slack, cell, b, c, need)
        for b, c, d in _rectangles(table, cell)
    )


def _best_rectangle(
    table: _Table, chosen: Mapping[Place, Reason], slack: Slack, cell: Place, need: int
) -> tuple[Place, ...] | None:
    """Rule 3's choice: the rectangle adding the fewest units, then the fewest cells, then the
    first in the order given; None when no rectangle protects the cell."""
    best: tuple[tuple[int, int, list[int]], tuple[Place, ...]] | None = None
    for b, c, d in _rectangles(table, cell):
        if not _protects(table, slack, cell, b, c, need):
            continue
        new = [x for x in (b, c, d) if x not in chosen]
        rank = (sum(table.n[x] for x in new), len(new), sorted(table.order[x] for x in (b, c, d)))
        if best is None or rank < best[0]:
            best = (rank, (b, c, d))
    return None if best is None else best[1]


def _suppress_all(
    table: _Table, known: set[Place], chosen: Mapping[Place, Reason], reasons: dict[CellKey, Reason]
) -> str | None:
    """Rule 5: every cell suppressed, or the metric withheld when the recipient knows some of them."""
    if known:
        return "differencing"
    for cell in table.n:
        reasons[(table.metric, cell[0], cell[1])] = chosen.get(cell, "complementary")
    return None
