/**
 * Argument parsing shared by the collection SCAN commands (HSCAN, SSCAN,
 * ZSCAN): the cursor, exactly as Redis's `strtoul`-based parser accepts it,
 * and the `MATCH`/`COUNT` options with Redis's errors.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { isKeyword, latin1Bytes } from "../util/bytes.ts";
import { globMatch } from "../util/glob.ts";
import { parseInteger } from "../util/numbers.ts";
import { NOT_INTEGER, SYNTAX_ERROR } from "./util.ts";

/** Redis's reply to a cursor it cannot parse. */
export const INVALID_CURSOR = "ERR invalid cursor";

const ULONG_MAX = (1n << 64n) - 1n;

function isCSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/**
 * Parses a SCAN cursor the way Redis does (`strtoul` base 10, rejecting a
 * leading space, trailing garbage and overflow): a sign is accepted and a
 * negative value wraps modulo 2^64, the empty string is cursor 0, and the
 * text ends at a NUL byte as in C. Returns the cursor's low 32 bits (the
 * only bits a table of up to 2^32 buckets looks at), or null when invalid.
 */
export function parseScanCursor(arg: Uint8Array): number | null {
  let end = arg.indexOf(0);
  if (end < 0) end = arg.length;
  if (end === 0) return 0;
  if (isCSpace(arg[0])) return null;
  let i = 0;
  const negative = arg[0] === 45; /* - */
  if (negative || arg[0] === 43 /* + */) i = 1;
  const digitsStart = i;
  while (i < end && arg[i] >= 48 && arg[i] <= 57) i++;
  if (i === digitsStart || i !== end) return null;
  let magnitude = 0n;
  for (let j = digitsStart; j < end; j++) {
    magnitude = magnitude * 10n + BigInt(arg[j] - 48);
    if (magnitude > ULONG_MAX) return null;
  }
  const value = negative ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude;
  return Number(value & 0xffffffffn);
}

/** Parses the cursor argument; writes `ERR invalid cursor` and returns null when invalid. */
export function scanCursorArg(c: Client, arg: Uint8Array): number | null {
  const cursor = parseScanCursor(arg);
  if (cursor === null) c.out.error(INVALID_CURSOR);
  return cursor;
}

/** Parsed `MATCH`/`COUNT` options of a collection SCAN. */
export interface ScanOptions {
  /** Elements to look at per call (Redis's default is 10). */
  count: number;
  /** Glob pattern, or null when absent or `*` (which matches everything). */
  pattern: Uint8Array | null;
}

/**
 * Parses the options from `argv[start]` on, in any order and repeatable
 * (the last one wins). Writes the error and returns null when invalid:
 * a bad `COUNT` number, `COUNT` below 1, an unknown or incomplete option.
 */
export function scanOptions(c: Client, argv: Uint8Array[], start: number): ScanOptions | null {
  const options: ScanOptions = { count: 10, pattern: null };
  for (let i = start; i < argv.length; i += 2) {
    const hasValue = i + 1 < argv.length;
    if (hasValue && isKeyword(argv[i], "count")) {
      const count = parseInteger(argv[i + 1]);
      if (Number.isNaN(count)) {
        c.out.error(NOT_INTEGER);
        return null;
      }
      if (count < 1) {
        c.out.error(SYNTAX_ERROR);
        return null;
      }
      options.count = count;
    } else if (hasValue && isKeyword(argv[i], "match")) {
      const pattern = argv[i + 1];
      options.pattern = pattern.length === 1 && pattern[0] === 42 /* * */ ? null : pattern;
    } else {
      c.out.error(SYNTAX_ERROR);
      return null;
    }
  }
  return options;
}

/** True when a latin1 element passes the options' `MATCH` pattern (or there is none). */
export function scanMatches(options: ScanOptions, element: string): boolean {
  return options.pattern === null || globMatch(options.pattern, latin1Bytes(element));
}

/** Writes a SCAN reply: the next cursor as a bulk string, then the elements. */
export function writeScanReply(c: Client, cursor: number, elements: readonly string[]): void {
  c.out.array(2);
  c.out.bulkLatin1(String(cursor));
  c.out.array(elements.length);
  for (const e of elements) c.out.bulkLatin1(e);
}
