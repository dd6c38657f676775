"""The large-instance path (instances far above the service's own; goals and figures in
docs/benchmarks.md), behind one entry point, `solve_large`: `matching.skill_match.solve` sends
it every instance above `MatchParams.plain_pairs_max` pairs, and the tests hold it to the
reference solver's (`matching.plain`) optimum and bound through `solve`.

- `candidates` and `remote_groups`: each need's eligible volunteers found through a spatial
  index and skill tables, remote ones priced by groups, never every pair;
- `problem`: the columns the flow may use and the pricing of every eligible pair;
- `generation`: flows on the columns and column generation by the duals (smoothed first by
  `entropic` when hours are scarce), CP-SAT for side constraints on the flow's columns;
- `greedy`: the baseline and the first columns; `beside`: a forked copy that works beside
  this process on the largest instances.

Its thresholds are fields of `MatchParams` (`matching.model`).
"""

from matching.large.generation import greedy_objective, solve_large

__all__ = ["greedy_objective", "solve_large"]
