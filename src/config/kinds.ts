/**
 * Builders for the common directive kinds, with Redis's exact validation
 * messages (they appear in `CONFIG SET` errors).
 *
 * @module
 */

import type { ConfigValue, Directive, ParseResult } from "./types.ts";

type Common = {
  name: string;
  aliases?: string[];
  mutable?: boolean;
  sensitive?: boolean;
  help?: string;
};

const INTEGER = /^-?\d+$/;

function ok(value: ConfigValue): ParseResult {
  return { ok: true, value };
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** A `yes`/`no` directive. */
export function bool(spec: Common & { default: boolean }): Directive {
  return {
    ...spec,
    mutable: spec.mutable ?? true,
    default: spec.default ? "yes" : "no",
    parse(text) {
      const t = text.toLowerCase();
      if (t === "yes") return ok(true);
      if (t === "no") return ok(false);
      return fail("argument must be 'yes' or 'no'");
    },
    format: (v) => (v ? "yes" : "no"),
  };
}

/**
 * An integer directive. With `clamp`, out-of-range values are pulled into
 * range instead of rejected (Redis does this for `hz`).
 */
export function int(
  spec: Common & { default: number; min: number; max: number; clamp?: boolean },
): Directive {
  return {
    ...spec,
    mutable: spec.mutable ?? true,
    default: String(spec.default),
    parse(text) {
      if (!INTEGER.test(text)) return fail("argument couldn't be parsed into an integer");
      let v = Number(text);
      if (spec.clamp) v = Math.min(spec.max, Math.max(spec.min, v));
      if (v < spec.min || v > spec.max) {
        return fail(`argument must be between ${spec.min} and ${spec.max} inclusive`);
      }
      return ok(v);
    },
    format: (v) => String(v),
  };
}

const MEMORY = /^(\d+)(k|kb|m|mb|g|gb|b)?$/i;
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Parses `100`, `1k`, `1kb`, `5mb`, `2gb` as Redis's `memtoull` does; NaN if invalid. */
export function parseMemory(text: string): number {
  const m = MEMORY.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * UNITS[(m[2] ?? "").toLowerCase()];
}

/** A memory-size directive (`maxmemory 2gb`), shown in bytes. */
export function memory(spec: Common & { default: string; min: number; max: number }): Directive {
  return {
    ...spec,
    mutable: spec.mutable ?? true,
    parse(text) {
      const v = parseMemory(text);
      if (Number.isNaN(v)) return fail("argument must be a memory value");
      if (v < spec.min || v > spec.max) {
        return fail(`argument must be between ${spec.min} and ${spec.max} inclusive`);
      }
      return ok(v);
    },
    format: (v) => String(v),
  };
}

/** One of a fixed set of words. */
export function oneOf(spec: Common & { default: string; values: string[] }): Directive {
  return {
    ...spec,
    mutable: spec.mutable ?? true,
    parse(text) {
      const t = text.toLowerCase();
      if (spec.values.includes(t)) return ok(t);
      return fail(`argument(s) must be one of the following: ${spec.values.join(", ")}`);
    },
    format: (v) => String(v),
  };
}

/** Free text (paths, passwords, names). */
export function text(spec: Common & { default: string }): Directive {
  return {
    ...spec,
    mutable: spec.mutable ?? true,
    parse: (t) => ok(t),
    format: (v) => String(v),
  };
}
