/**
 * Helpers for the commands that return random elements with a count
 * (SRANDMEMBER, HRANDFIELD, SPOP): Redis's count parsing and a guard that
 * stops a reply whose size the client controls (a negative count repeats
 * elements without bound) once the connection is over its limits.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { parseBigInteger } from "../util/numbers.ts";
import { NOT_INTEGER } from "./util.ts";

const LONG_MAX = 9223372036854775807n;
const COUNT_OUT_OF_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

/** SPOP's error for a count that is negative or not a number. */
export const COUNT_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";

/**
 * Parses a SRANDMEMBER/HRANDFIELD count: a 64-bit integer other than
 * `LONG_MIN` (its magnitude would not fit). Writes Redis's error and
 * returns null when invalid. The exact value is returned for callers with
 * further range checks (HRANDFIELD ... WITHVALUES).
 */
export function randomCountArg(c: Client, arg: Uint8Array): bigint | null {
  const v = parseBigInteger(arg);
  if (v === null) {
    c.out.error(NOT_INTEGER);
    return null;
  }
  if (v < -LONG_MAX) {
    c.out.error(COUNT_OUT_OF_RANGE);
    return null;
  }
  return v;
}

/** Elements written between two output-limit checks in a long random reply. */
export const BUDGET_CHECK_INTERVAL = 1024;

/**
 * Output a single reply may reach before the client is dropped, whatever
 * the limits say (the default `proto-max-bulk-len`, the largest argument a
 * client may send, seems a fair bound for a reply it asks to be repeated).
 */
const MAX_REPLY_BYTES = 512 * 1024 * 1024;

/**
 * Checks a growing reply against the client's output buffer limits (and a
 * hard 512 MiB ceiling that keeps a `-9223372036854775807` count from
 * exhausting memory). Returns true when the client was disconnected and the
 * caller must stop writing, as Redis stops once a client is marked
 * close-ASAP.
 */
export function replyBudgetExceeded(c: Client): boolean {
  if (c.closed || c.checkOutputLimits()) return true;
  if (c.out.length > MAX_REPLY_BYTES) {
    c.server.log.warning(
      `Client id=${c.id} addr=${c.addr} closed: a single reply exceeded ${MAX_REPLY_BYTES} bytes`,
    );
    c.kill();
    return true;
  }
  return false;
}
