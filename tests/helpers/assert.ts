/**
 * Assertions for tests, from Node's strict assert (JSR's @std/assert is not
 * reachable here), with the argument order Deno tests usually use.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Asserts deep equality. */
export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  assert.deepStrictEqual(actual, expected, message);
}

/** Asserts a truthy value. */
export function assertTrue(value: unknown, message?: string): asserts value {
  assert.ok(value, message);
}

/** Asserts that a string matches a pattern. */
export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assert.match(actual, pattern, message);
}

/** Asserts that an async function rejects. */
export async function assertRejects(fn: () => Promise<unknown>, message?: string): Promise<void> {
  await assert.rejects(fn, message);
}
