/**
 * Key specifications: where a command's keys are and how it uses them, as
 * Redis 7 describes them in `COMMAND INFO` and uses them for `COMMAND
 * GETKEYS` / `GETKEYSANDFLAGS`.
 *
 * Notation (one string per spec): space-separated flag names, then where
 * the search begins and how keys are found.
 *
 * - flags: `RO` `RW` `OW` `RM` `access` `update` `insert` `delete` `not_key`
 *   `incomplete` `variable_flags` (as `COMMAND INFO` prints them);
 * - begin search: `index:N` (argument N; the default is `index:1`) or
 *   `keyword:WORD:N` (after the argument WORD, searched from argument N, or
 *   from the end backwards when N is negative);
 * - find keys: `range:LAST[:STEP[:LIMIT]]` (LAST relative to the first key,
 *   negative counts from the end; the default is `range:0`, one key) or
 *   `keynum:IDX:FIRST:STEP` (a key count at IDX after the beginning, keys
 *   from FIRST after it);
 * - `unknown`: neither can be described (the command's key finder knows).
 *
 * `"RO access"` is GET's key; `"OW update range:-1:2"` MSET's;
 * `"RW access delete keynum:0:1:1"` LMPOP's.
 *
 * @module
 */

import type { KeyRef } from "./spec.ts";

/** Key-spec flag names in the order Redis lists them; bit i of a flag mask is name i. */
export const KEY_FLAG_NAMES = [
  "RO",
  "RW",
  "OW",
  "RM",
  "access",
  "update",
  "insert",
  "delete",
  "not_key",
  "incomplete",
  "variable_flags",
] as const;

/** Read-only access. */
export const KEY_RO = 1 << 0;
/** Read-write: the value is read and modified. */
export const KEY_RW = 1 << 1;
/** Overwrite: the value is replaced without being read. */
export const KEY_OW = 1 << 2;
/** The key is removed. */
export const KEY_RM = 1 << 3;
/** The user sees data from the value. */
export const KEY_ACCESS = 1 << 4;
/** The value is updated. */
export const KEY_UPDATE = 1 << 5;
/** Data is added to the value. */
export const KEY_INSERT = 1 << 6;
/** Data is removed from the value. */
export const KEY_DELETE = 1 << 7;
/** The argument is not a key (a "fake key" such as a channel). */
export const KEY_NOT_KEY = 1 << 8;
/** The spec may miss some keys. */
export const KEY_INCOMPLETE = 1 << 9;
/** The flags depend on other arguments (the key finder knows). */
export const KEY_VARIABLE_FLAGS = 1 << 10;

/** Where the search for keys begins. */
export type BeginSearch =
  | { type: "index"; index: number }
  | { type: "keyword"; keyword: string; startFrom: number }
  | { type: "unknown" };

/** How keys are found from the beginning. */
export type FindKeys =
  | { type: "range"; lastKey: number; keyStep: number; limit: number }
  | { type: "keynum"; keyNumIndex: number; firstKey: number; keyStep: number }
  | { type: "unknown" };

/** One key specification. */
export interface KeySpec {
  /** Flag bits (`KEY_*`). */
  flags: number;
  /** Redis's explanatory note, if any. */
  notes?: string;
  begin: BeginSearch;
  find: FindKeys;
}

/** The names of the flags set in a mask, in Redis's order. */
export function keyFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < KEY_FLAG_NAMES.length; i++) if (flags & (1 << i)) out.push(KEY_FLAG_NAMES[i]);
  return out;
}

function integerPart(word: string, part: string | undefined): number {
  if (part === undefined || !/^-?\d+$/.test(part)) {
    throw new Error(`Bad key spec part "${word}"`);
  }
  return Number(part);
}

/** Parses a key spec in the notation above; throws on anything it does not know. */
export function parseKeySpec(notation: string): KeySpec {
  let flags = 0;
  let begin: BeginSearch | undefined;
  let find: FindKeys | undefined;
  for (const word of notation.trim().split(/\s+/)) {
    const flag = KEY_FLAG_NAMES.indexOf(word as typeof KEY_FLAG_NAMES[number]);
    const [kind, ...parts] = word.split(":");
    if (flag >= 0) {
      flags |= 1 << flag;
    } else if (word === "unknown" && begin === undefined && find === undefined) {
      begin = { type: "unknown" };
      find = { type: "unknown" };
    } else if (kind === "index" && begin === undefined && parts.length === 1) {
      begin = { type: "index", index: integerPart(word, parts[0]) };
    } else if (kind === "keyword" && begin === undefined && parts.length === 2 && parts[0]) {
      begin = { type: "keyword", keyword: parts[0], startFrom: integerPart(word, parts[1]) };
    } else if (kind === "range" && find === undefined && parts.length >= 1 && parts.length <= 3) {
      find = {
        type: "range",
        lastKey: integerPart(word, parts[0]),
        keyStep: parts.length > 1 ? integerPart(word, parts[1]) : 1,
        limit: parts.length > 2 ? integerPart(word, parts[2]) : 0,
      };
    } else if (kind === "keynum" && find === undefined && parts.length === 3) {
      find = {
        type: "keynum",
        keyNumIndex: integerPart(word, parts[0]),
        firstKey: integerPart(word, parts[1]),
        keyStep: integerPart(word, parts[2]),
      };
    } else {
      throw new Error(`Bad key spec "${notation}" at "${word}"`);
    }
  }
  return {
    flags,
    begin: begin ?? { type: "index", index: 1 },
    find: find ?? { type: "range", lastKey: 0, keyStep: 1, limit: 0 },
  };
}

/** The legacy `first key, last key, step` triple and whether keys are movable. */
export interface LegacyKeyRange {
  firstKey: number;
  lastKey: number;
  step: number;
  movable: boolean;
}

/** Orders last-key positions as Redis does: negative ones (from the end) after all others. */
function laterLastKey(a: number, b: number): number {
  if (a < 0 || b < 0) return a < 0 && b < 0 ? Math.max(a, b) : Math.min(a, b);
  return Math.max(a, b);
}

/**
 * Derives the legacy key range Redis reports in `COMMAND INFO` (first key,
 * last key, step) from the key specs: a single plain index+range spec is
 * the range; otherwise consecutive step-1 index+range specs are merged.
 * Any spec that cannot be part of it (keyword or keynum search, gaps,
 * other steps, incomplete specs) makes the keys movable.
 */
export function legacyKeyRange(specs: readonly KeySpec[]): LegacyKeyRange {
  const none = { firstKey: 0, lastKey: 0, step: 0 };
  if (specs.length === 0) return { ...none, movable: false };
  const plain = (s: KeySpec) => s.begin.type === "index" && s.find.type === "range";
  if (specs.length === 1 && plain(specs[0])) {
    const s = specs[0] as KeySpec & { begin: { index: number }; find: { lastKey: number } };
    const find = s.find as { lastKey: number; keyStep: number };
    return {
      firstKey: s.begin.index,
      lastKey: find.lastKey >= 0 ? s.begin.index + find.lastKey : find.lastKey,
      step: find.keyStep,
      movable: (s.flags & KEY_INCOMPLETE) !== 0,
    };
  }
  let movable = false;
  let first = Infinity;
  let last = 0;
  let previousLast = 0;
  for (const s of specs) {
    if (s.begin.type !== "index" || s.find.type !== "range") {
      movable = true;
      continue;
    }
    const index = s.begin.index;
    if (s.find.keyStep !== 1 || (previousLast !== 0 && previousLast !== index - 1)) {
      movable = true;
      continue;
    }
    if (s.flags & KEY_INCOMPLETE) movable = true;
    first = Math.min(first, index);
    const absoluteLast = s.find.lastKey >= 0 ? s.find.lastKey + index : s.find.lastKey;
    last = laterLastKey(last, absoluteLast);
    previousLast = last;
  }
  if (first === Infinity) return { ...none, movable: true };
  return { firstKey: first, lastKey: last, step: 1, movable };
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/**
 * C's `atoi` on a NUL-terminated argument (as glibc does it: whitespace,
 * sign, digits; out-of-range values saturate to 64 bits, then wrap to 32).
 * Redis's key finders read key counts this way, more leniently than its
 * key specs, which want a canonical integer.
 */
export function cAtoi(arg: Uint8Array): number {
  let i = 0;
  while (i < arg.length && SPACE.has(arg[i])) i++;
  let negative = false;
  if (i < arg.length && (arg[i] === 0x2b || arg[i] === 0x2d)) negative = arg[i++] === 0x2d;
  let n = 0n;
  const max = (1n << 63n) - (negative ? 0n : 1n);
  while (i < arg.length && arg[i] >= 0x30 && arg[i] <= 0x39) {
    n = n * 10n + BigInt(arg[i++] - 0x30);
    if (n > max) {
      n = max;
      while (i < arg.length && arg[i] >= 0x30 && arg[i] <= 0x39) i++;
    }
  }
  return Number(BigInt.asIntN(32, negative ? -n : n));
}

/** Redis's `string2ll`: a canonical decimal integer (no spaces, no `+`, no leading zeros). */
function canonicalInteger(arg: Uint8Array): bigint | null {
  const n = arg.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && arg[0] === 0x30) return 0n;
  let i = arg[0] === 0x2d ? 1 : 0;
  if (i === n || arg[i] < 0x31 || arg[i] > 0x39) return null;
  let v = 0n;
  for (; i < n; i++) {
    if (arg[i] < 0x30 || arg[i] > 0x39) return null;
    v = v * 10n + BigInt(arg[i] - 0x30);
  }
  if (arg[0] === 0x2d) v = -v;
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return null;
  return v;
}

/** True when `arg` equals `word` ignoring ASCII case, compared as C strings (up to a NUL). */
export function cStringIs(arg: Uint8Array, word: string): boolean {
  let end = arg.indexOf(0);
  if (end < 0) end = arg.length;
  if (end !== word.length) return false;
  for (let i = 0; i < end; i++) {
    const b = arg[i] >= 0x41 && arg[i] <= 0x5a ? arg[i] + 32 : arg[i];
    if (b !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Finds keys with the key specs, as Redis does for `COMMAND GETKEYS`.
 * Returns null when a spec cannot be followed for this call (unknown
 * search, bad key count, out of range, incomplete spec): the command's own
 * key finder must decide then.
 */
export function keysFromSpecs(specs: readonly KeySpec[], argv: Uint8Array[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags & KEY_NOT_KEY) continue;
    let first = 0;
    const begin = spec.begin;
    if (begin.type === "index") {
      first = begin.index;
    } else if (begin.type === "keyword") {
      const from = begin.startFrom > 0 ? begin.startFrom : argc + begin.startFrom;
      const end = begin.startFrom > 0 ? argc - 1 : 0;
      const keyword = begin.keyword.toLowerCase();
      for (let i = from; i !== end; i = from <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (cStringIs(argv[i], keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: no keys from this spec
    } else {
      return null;
    }
    let last: number;
    let step: number;
    const find = spec.find;
    if (find.type === "range") {
      if (find.lastKey >= 0) last = first + find.lastKey;
      else if (find.limit === 0) last = argc + find.lastKey;
      else last = first + (Math.trunc((argc - first) / find.limit) + find.lastKey);
      step = find.keyStep;
    } else if (find.type === "keynum") {
      const at = first + find.keyNumIndex;
      if (at >= argc) return null;
      const count = canonicalInteger(argv[at]);
      if (count === null || count < 0n) return null;
      first += find.firstKey;
      // Redis narrows the count to a C int here: 2^32+1 keys are 1 key.
      last = first + Number(BigInt.asIntN(32, count)) - 1;
      step = find.keyStep;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push({ pos: i, flags: spec.flags });
    if (spec.flags & KEY_INCOMPLETE) return null;
  }
  return out;
}

/** What {@link commandKeys} needs of a spec. */
interface KeyedCommand {
  readonly keySpecs: readonly KeySpec[];
  keys?: (argv: Uint8Array[]) => KeyRef[];
}

/**
 * The keys of a command call with their flags, as `COMMAND GETKEYSANDFLAGS`
 * reports them: from the key specs when they are reliable for this call,
 * otherwise from the command's key finder (none when it has none).
 */
export function commandKeys(spec: KeyedCommand, argv: Uint8Array[]): KeyRef[] {
  let real = false;
  let variable = false;
  for (const s of spec.keySpecs) {
    if (!(s.flags & KEY_NOT_KEY)) real = true;
    if (s.flags & KEY_VARIABLE_FLAGS) variable = true;
  }
  if (real && !variable) {
    const found = keysFromSpecs(spec.keySpecs, argv);
    if (found !== null) return found;
  }
  return spec.keys ? spec.keys(argv) : [];
}

/** True when the command has keys at all (`COMMAND GETKEYS` refuses others). */
export function hasKeys(spec: KeyedCommand): boolean {
  return spec.keys !== undefined || spec.keySpecs.some((s) => !(s.flags & KEY_NOT_KEY));
}
