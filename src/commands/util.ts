/**
 * Helpers shared by command handlers: Redis's standard error replies,
 * argument parsing that replies with the right error, and typed lookups.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { parseDouble, parseInteger } from "../util/numbers.ts";
import { NOTIFY_GENERIC, NOTIFY_KEY_MISS } from "../server/notify_flags.ts";
import { parseTimeoutSeconds, TIMEOUT_NEGATIVE, TIMEOUT_NOT_FLOAT } from "../util/timeout.ts";

/** `WRONGTYPE` error text. */
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
/** Generic syntax error. */
export const SYNTAX_ERROR = "ERR syntax error";
/** Bad integer argument. */
export const NOT_INTEGER = "ERR value is not an integer or out of range";
/** Bad float argument. */
export const NOT_FLOAT = "ERR value is not a valid float";
/** Missing key for commands that require one (RENAME, LSET...). */
export const NO_SUCH_KEY = "ERR no such key";
/** Index out of range (LSET). */
export const INDEX_OUT_OF_RANGE = "ERR index out of range";
/** Overflow on INCR-family commands. */
export const OVERFLOW = "ERR increment or decrement would overflow";

/**
 * Parses an integer argument; on failure writes `error` (default: Redis's
 * "not an integer or out of range") and returns null.
 */
export function intArg(c: Client, arg: Uint8Array, error: string = NOT_INTEGER): number | null {
  const v = parseInteger(arg);
  if (Number.isNaN(v)) {
    c.out.error(error);
    return null;
  }
  return v;
}

/**
 * Parses an integer argument that must lie in `[min, max]`; on failure
 * writes `error` and returns null.
 */
export function rangedIntArg(
  c: Client,
  arg: Uint8Array,
  min: number,
  max: number,
  error: string,
): number | null {
  const v = parseInteger(arg);
  if (Number.isNaN(v) || v < min || v > max) {
    c.out.error(error);
    return null;
  }
  return v;
}

/** Parses a double argument; on failure writes `error` and returns null. */
export function floatArg(c: Client, arg: Uint8Array, error: string = NOT_FLOAT): number | null {
  const v = parseDouble(arg);
  if (Number.isNaN(v)) {
    c.out.error(error);
    return null;
  }
  return v;
}

/**
 * Looks up a key for reading: counts a keyspace hit or miss (a miss also
 * sends the `keymiss` notification) and updates the key's access time
 * (unless `CLIENT NO-TOUCH`). Returns the entry or -1.
 */
export function lookupRead(c: Client, key: Uint8Array): number {
  const db = c.db;
  const id = db.find(key);
  const stats = c.server.stats;
  if (id < 0) {
    stats.keyspaceMisses++;
    c.server.notify(NOTIFY_KEY_MISS, "keymiss", key, db.index);
    return -1;
  }
  stats.keyspaceHits++;
  if (!c.noTouch) db.touch(id);
  return id;
}

/**
 * Looks up a key for writing (no hit/miss statistics). Returns the entry
 * or -1.
 */
export function lookupWrite(c: Client, key: Uint8Array): number {
  const id = c.db.find(key);
  if (id >= 0) c.db.touch(id);
  return id;
}

/**
 * Looks up a key that must hold `type` (`TYPE_*`). Returns the entry, -1
 * when missing, or -2 after writing `WRONGTYPE` when it holds another type.
 */
export function lookupTyped(c: Client, key: Uint8Array, type: number, forWrite = false): number {
  const id = forWrite ? lookupWrite(c, key) : lookupRead(c, key);
  if (id >= 0 && c.db.typeOf(id) !== type) {
    c.out.error(WRONGTYPE);
    return -2;
  }
  return id;
}

/** Writes Redis's HELP reply: a list of status lines. */
export function helpReply(c: Client, command: string, lines: string[]): void {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    "HELP",
    "    Prints this help.",
  ];
  c.out.array(all.length);
  for (const line of all) c.out.simple(line);
}

/**
 * Parses a blocking command's timeout in seconds (BLPOP, BLMOVE, BZPOPMIN...)
 * with Redis's rules (see util/timeout.ts). Returns milliseconds, 0 meaning
 * forever, or null after writing the error.
 */
export function timeoutArg(c: Client, arg: Uint8Array): number | null {
  const ms = parseTimeoutSeconds(arg);
  if (ms === TIMEOUT_NOT_FLOAT) {
    c.out.error("ERR timeout is not a float or out of range");
    return null;
  }
  if (ms === TIMEOUT_NEGATIVE) {
    c.out.error("ERR timeout is negative");
    return null;
  }
  return ms;
}

/** `isspace` in the C locale. */
function isCSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Parses a SCAN-family cursor the way Redis does, with `strtoul` in base
 * 10: an optional sign then digits up to 2^64-1 (a negative value wraps
 * around), nothing after them, no leading space, an empty argument is 0,
 * and bytes after a NUL are ignored (C strings). Returns the low 32 bits,
 * which is all Rift's tables use (their reverse-binary walk ignores the
 * bits above the table mask), or null after writing `ERR invalid cursor`.
 */
export function scanCursorArg(c: Client, arg: Uint8Array): number | null {
  let end = arg.indexOf(0);
  if (end < 0) end = arg.length;
  if (end > 0 && end <= 9) {
    let v = 0;
    let i = 0;
    while (i < end && arg[i] >= 48 && arg[i] <= 57) v = v * 10 + arg[i++] - 48;
    if (i === end) return v;
  }
  if (end === 0) return 0;
  let i = 0;
  const negative = arg[0] === 45;
  if (negative || arg[0] === 43) i++;
  const digitsStart = i;
  let value = 0n;
  while (i < end && arg[i] >= 48 && arg[i] <= 57) value = value * 10n + BigInt(arg[i++] - 48);
  if (isCSpace(arg[0]) || i === digitsStart || i !== end || value > U64_MAX) {
    c.out.error("ERR invalid cursor");
    return null;
  }
  if (negative) value = (U64_MAX + 1n - value) & U64_MAX;
  return Number(value & 0xffffffffn);
}

/**
 * Deletes the destination of a command whose result is empty, as Redis's
 * dbDelete does: a key past its expiry but not yet reclaimed is deleted as
 * it is (a `del` event, not `expired`).
 */
export function deleteDestination(c: Client, key: Uint8Array): void {
  const db = c.db;
  const id = db.findRaw(key);
  if (id < 0) return;
  db.deleteEntry(id);
  c.server.wrote(db, key, NOTIFY_GENERIC, "del");
}
