/**
 * Stored benchmark results for tests of the harness's report: a run with
 * nothing measured, for a test to fill in what it checks.
 */

import type { Result } from "../../bench/compare.ts";

/** A result of one run on an idle test machine, with `rest` laid over it. */
export function benchResult(rest: Partial<Result> = {}): Result {
  return {
    date: "2026-01-01T00:00:00.000Z",
    commit: "abc1234",
    machine: "test machine",
    loadBefore: [0, 0, 0],
    loadAfter: [0, 0, 0],
    reps: 1,
    rows: [],
    memory: null,
    ...rest,
  };
}
