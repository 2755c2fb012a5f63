/**
 * Directive kinds for Redis's 64-bit size settings (`size_t`/`ssize_t`
 * configs limited to `0..LONG_MAX`), such as the collection encoding
 * thresholds. Their `CONFIG SET` errors quote the exact 64-bit bounds, which
 * JS numbers cannot print, so they get their own parsers.
 *
 * Values are held as JS numbers: exact up to 2^53, which covers every
 * practical threshold; `LONG_MAX` itself round-trips as written.
 *
 * @module
 */

import type { Directive, ParseResult } from "./types.ts";

const LONG_MAX = 9223372036854775807n;
const LONG_MAX_TEXT = "9223372036854775807";
const OUT_OF_RANGE = `argument must be between 0 and ${LONG_MAX_TEXT} inclusive`;

/** Strict decimal integer as Redis's `string2ll` accepts it: no `+`, no leading zeros. */
const STRICT_INTEGER = /^(?:0|-?[1-9]\d*)$/;
/**
 * Memory value as Redis's `memtoull` accepts it: digits (leading zeros
 * allowed, none at all meaning 0) and an optional unit.
 */
const MEMORY_VALUE = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i;
const UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

type Common = { name: string; aliases?: string[]; help?: string };

function inRange(v: bigint): ParseResult {
  if (v < 0n || v > LONG_MAX) return { ok: false, error: OUT_OF_RANGE };
  return { ok: true, value: Number(v) };
}

/** Formats a stored value; `LONG_MAX` (held as 2^63) prints exactly. */
function formatSize(value: unknown): string {
  const v = value as number;
  return v >= 2 ** 63 ? LONG_MAX_TEXT : BigInt(v).toString();
}

/** A count in `0..LONG_MAX`, written as a plain integer (`set-max-intset-entries 512`). */
export function sizeCount(spec: Common & { default: number }): Directive {
  return {
    ...spec,
    mutable: true,
    default: String(spec.default),
    parse(text) {
      if (!STRICT_INTEGER.test(text) || text.length > 20) {
        return { ok: false, error: "argument couldn't be parsed into an integer" };
      }
      const v = BigInt(text);
      if (v < -LONG_MAX - 1n || v > LONG_MAX) {
        return { ok: false, error: "argument couldn't be parsed into an integer" };
      }
      return inRange(v);
    },
    format: formatSize,
  };
}

/** A byte size in `0..LONG_MAX` that accepts units (`hash-max-listpack-value 1kb`). */
export function sizeBytes(spec: Common & { default: number }): Directive {
  return {
    ...spec,
    mutable: true,
    default: String(spec.default),
    parse(text) {
      const m = MEMORY_VALUE.exec(text);
      if (!m) return { ok: false, error: "argument must be a memory value" };
      return inRange(BigInt(m[1] || "0") * UNITS[(m[2] ?? "").toLowerCase()]);
    },
    format: formatSize,
  };
}
