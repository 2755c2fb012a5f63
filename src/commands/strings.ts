/**
 * String commands, with Redis 7.0's exact replies, errors, keyspace events
 * and propagation: the GET/SET family (SET options, GETEX, GETDEL, GETSET,
 * SETNX, SETEX, PSETEX, MGET, MSET, MSETNX), ranges (APPEND, STRLEN,
 * GETRANGE/SUBSTR, SETRANGE), 64-bit counters (INCR, DECR, INCRBY, DECRBY),
 * INCRBYFLOAT in emulated x87 long double, and LCS.
 *
 * Whole replacements go through `Database.setString`; in-place edits
 * (APPEND, SETRANGE) through `appendString`/`writableString`, which mark the
 * value `raw` as Redis's encodings would.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { StringForm, TYPE_STRING } from "../store/database.ts";
import { command, type CommandSpec } from "./spec.ts";
import { setKeys } from "./key_finders.ts";
import {
  intArg,
  lookupRead,
  lookupWrite,
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  SYNTAX_ERROR,
  WRONGTYPE,
} from "./util.ts";
import { arityError } from "./dispatch.ts";
import { isKeyword, latin1View, utf8 } from "../util/bytes.ts";
import {
  decimalBytes,
  fitsInt64,
  INT64_MAX,
  INT64_MIN,
  parseBigInteger,
  parseInteger,
} from "../util/numbers.ts";
import {
  addLongDouble,
  formatLongDoubleHuman,
  LONG_DOUBLE_ZERO,
  parseLongDouble,
} from "../util/long_double.ts";
import { NOTIFY_GENERIC, NOTIFY_STRING } from "../server/notify_flags.ts";

const SET = utf8("SET");
const PXAT = utf8("PXAT");
const KEEPTTL = utf8("KEEPTTL");
const DEL = utf8("DEL");
const UNLINK = utf8("UNLINK");
const PEXPIREAT = utf8("PEXPIREAT");
const PERSIST = utf8("PERSIST");
const EMPTY_STRING = new Uint8Array(0);

/** Error for strings that would outgrow `proto-max-bulk-len` (APPEND, SETRANGE). */
const STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/** Largest JS integer that is exact; beyond it range arithmetic switches to bigint. */
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Replies with Redis's size error and returns false when a string of
 * `length` bytes would exceed `proto-max-bulk-len`.
 */
function checkStringLength(c: Client, length: number): boolean {
  if (length > c.server.config.int("proto-max-bulk-len")) {
    c.out.error(STRING_TOO_LONG);
    return false;
  }
  return true;
}

/**
 * True when integer argument `a` is greater than `b`, exactly even beyond
 * 2^53 where the parsed JS numbers may have rounded to the same value.
 */
export function argGreater(aArg: Uint8Array, bArg: Uint8Array, a: number, b: number): boolean {
  if (Math.abs(a) < SAFE && Math.abs(b) < SAFE) return a > b;
  return parseBigInteger(aArg)! > parseBigInteger(bArg)!;
}

/**
 * Writes a key's string value as a bulk reply, nil when missing. Returns
 * false after writing WRONGTYPE (Redis's `getGenericCommand`).
 */
function replyString(c: Client, key: Uint8Array): boolean {
  const id = lookupRead(c, key);
  if (id < 0) {
    c.out.nullBulk();
    return true;
  }
  const db = c.db;
  if (db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return false;
  }
  const source = db.stringSource(id);
  c.out.bulkSlice(source, db.lastOffset, db.lastLength);
  return true;
}

// ------------------------------------------------------ SET family options

const OPT_NX = 1 << 0;
const OPT_XX = 1 << 1;
const OPT_GET = 1 << 2;
const OPT_KEEPTTL = 1 << 3;
const OPT_EX = 1 << 4;
const OPT_PX = 1 << 5;
const OPT_EXAT = 1 << 6;
const OPT_PXAT = 1 << 7;
const OPT_PERSIST = 1 << 8;
const OPT_EXPIRE = OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT;

/** Options of SET and GETEX as Redis's `parseExtendedStringArgumentsOrReply` reads them. */
interface ExtendedOptions {
  flags: number;
  /** The expire argument of EX/PX/EXAT/PXAT, or null. */
  expire: Uint8Array | null;
}

function expireOption(arg: Uint8Array): number {
  if (isKeyword(arg, "ex")) return OPT_EX;
  if (isKeyword(arg, "px")) return OPT_PX;
  if (isKeyword(arg, "exat")) return OPT_EXAT;
  if (isKeyword(arg, "pxat")) return OPT_PXAT;
  return 0;
}

/**
 * Parses SET (`forSet`) or GETEX options. A keyword may repeat (`EX 1 EX 2`
 * keeps the last) but conflicting ones (`NX XX`, `EX .. PX ..`, `KEEPTTL EX`)
 * are a syntax error, as in Redis. Writes the error and returns null.
 */
function parseExtendedOptions(
  c: Client,
  argv: Uint8Array[],
  forSet: boolean,
): ExtendedOptions | null {
  let flags = 0;
  let expire: Uint8Array | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const a = argv[j];
    const unit = expireOption(a);
    if (unit !== 0) {
      const conflicts = OPT_KEEPTTL | OPT_PERSIST | (OPT_EXPIRE & ~unit);
      if (j + 1 === argv.length || (flags & conflicts) !== 0) {
        c.out.error(SYNTAX_ERROR);
        return null;
      }
      flags |= unit;
      expire = argv[++j];
    } else if (forSet && isKeyword(a, "nx") && !(flags & OPT_XX)) {
      flags |= OPT_NX;
    } else if (forSet && isKeyword(a, "xx") && !(flags & OPT_NX)) {
      flags |= OPT_XX;
    } else if (forSet && isKeyword(a, "get")) {
      flags |= OPT_GET;
    } else if (forSet && isKeyword(a, "keepttl") && !(flags & OPT_EXPIRE)) {
      flags |= OPT_KEEPTTL;
    } else if (!forSet && isKeyword(a, "persist") && !(flags & OPT_EXPIRE)) {
      flags |= OPT_PERSIST;
    } else {
      c.out.error(SYNTAX_ERROR);
      return null;
    }
  }
  return { flags, expire };
}

/**
 * Turns an expire argument into an absolute time in ms with Redis's checks
 * (`invalid expire time in '<command>' command` for non-positive values and
 * 64-bit overflow). `seconds` for EX/EXAT/SETEX, `relative` for EX/PX.
 * Exact in bigint, so the propagated PXAT is the value Redis would write.
 * Writes the error and returns null when invalid.
 */
function expireAt(
  c: Client,
  arg: Uint8Array,
  seconds: boolean,
  relative: boolean,
  commandName: string,
): bigint | null {
  const n = parseBigInteger(arg);
  if (n === null) {
    c.out.error(NOT_INTEGER);
    return null;
  }
  const invalid = `ERR invalid expire time in '${commandName}' command`;
  if (n <= 0n || (seconds && n > INT64_MAX / 1000n)) {
    c.out.error(invalid);
    return null;
  }
  let ms = seconds ? n * 1000n : n;
  if (relative) ms += BigInt(c.server.keyspace.now);
  if (ms > INT64_MAX) {
    c.out.error(invalid);
    return null;
  }
  return ms;
}

const replyOk = (c: Client) => c.out.ok();
const replyNil = (c: Client) => c.out.nullBulk();
const replyOne = (c: Client) => c.out.integer(1);
const replyZero = (c: Client) => c.out.integer(0);

/**
 * Redis's `setGenericCommand`: SET with its options, SETNX, SETEX, PSETEX.
 * `okReply`/`abortReply` write the reply for a performed or skipped set
 * (by default `+OK` and nil).
 */
function setGeneric(
  c: Client,
  argv: Uint8Array[],
  flags: number,
  key: Uint8Array,
  value: Uint8Array,
  expireArg: Uint8Array | null,
  commandName: string,
  okReply: (c: Client) => void = replyOk,
  abortReply: (c: Client) => void = replyNil,
): void {
  let when = 0n;
  if (expireArg !== null) {
    const at = expireAt(
      c,
      expireArg,
      (flags & (OPT_EX | OPT_EXAT)) !== 0,
      (flags & (OPT_EX | OPT_PX)) !== 0,
      commandName,
    );
    if (at === null) return;
    when = at;
  }
  const get = (flags & OPT_GET) !== 0;
  if (get && !replyString(c, key)) return;
  const db = c.db;
  if (flags & (OPT_NX | OPT_XX)) {
    const found = lookupWrite(c, key) >= 0;
    if ((flags & OPT_NX && found) || (flags & OPT_XX && !found)) {
      if (!get) abortReply(c);
      return;
    }
  }
  const id = db.setString(key, value, (flags & OPT_KEEPTTL) !== 0 || expireArg !== null);
  // Redis's lookupKeyWrite touches a key that exists (setString already expired
  // a stale one); NX/XX looked it up above.
  if (!(flags & (OPT_NX | OPT_XX)) && !db.lastSetCreated) db.touch(id);
  c.server.wrote(db, key, NOTIFY_STRING, "set");
  if (expireArg !== null) {
    db.setExpire(id, Number(when));
    // Logged with an absolute time (and without NX/XX/GET, already applied).
    if (c.server.propagating) {
      c.propagateOverride = [[SET, key, value, PXAT, utf8(when.toString())]];
    }
    c.server.notify(NOTIFY_GENERIC, "expire", key, db.index);
  }
  if (!get) okReply(c);
  if (get && expireArg === null) {
    // Propagate without GET, which replicas must not answer.
    c.propagateOverride = [argv.filter((a, i) => i < 3 || !isKeyword(a, "get"))];
  }
}

function set(c: Client, argv: Uint8Array[]): void {
  const options = parseExtendedOptions(c, argv, true);
  if (options === null) return;
  setGeneric(c, argv, options.flags, argv[1], argv[2], options.expire, "set");
}

function setnx(c: Client, argv: Uint8Array[]): void {
  setGeneric(c, argv, OPT_NX, argv[1], argv[2], null, "setnx", replyOne, replyZero);
}

function setex(c: Client, argv: Uint8Array[], unit: number, name: string): void {
  setGeneric(c, argv, unit, argv[1], argv[3], argv[2], name);
}

// ------------------------------------------------------------ GET family

function getex(c: Client, argv: Uint8Array[]): void {
  const options = parseExtendedOptions(c, argv, false);
  if (options === null) return;
  const { flags, expire } = options;
  const key = argv[1];
  const db = c.db;
  const id = lookupRead(c, key);
  if (id < 0) {
    c.out.nullBulk();
    return;
  }
  if (db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return;
  }
  let when = 0n;
  if (expire !== null) {
    const at = expireAt(
      c,
      expire,
      (flags & (OPT_EX | OPT_EXAT)) !== 0,
      (flags & (OPT_EX | OPT_PX)) !== 0,
      "getex",
    );
    if (at === null) return;
    when = at;
  }
  const source = db.stringSource(id);
  c.out.bulkSlice(source, db.lastOffset, db.lastLength);
  if ((flags & (OPT_EXAT | OPT_PXAT)) !== 0 && when <= BigInt(c.server.keyspace.now)) {
    // An absolute time already past deletes the key, as an expiry would.
    db.deleteEntry(id);
    const lazy = c.server.config.bool("lazyfree-lazy-expire");
    c.propagateOverride = [[lazy ? UNLINK : DEL, key]];
    c.server.wrote(db, key, NOTIFY_GENERIC, "del");
  } else if (expire !== null) {
    db.setExpire(id, Number(when));
    if (c.server.propagating) c.propagateOverride = [[PEXPIREAT, key, utf8(when.toString())]];
    c.server.wrote(db, key, NOTIFY_GENERIC, "expire");
  } else if ((flags & OPT_PERSIST) !== 0 && db.getExpire(id) !== 0) {
    db.setExpire(id, 0);
    c.propagateOverride = [[PERSIST, key]];
    c.server.wrote(db, key, NOTIFY_GENERIC, "persist");
  }
}

function getdel(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  if (!replyString(c, key)) return;
  const db = c.db;
  if (db.delete(key)) {
    // Redis propagates UNLINK when user deletions are lazy.
    const lazy = c.server.config.bool("lazyfree-lazy-user-del");
    c.propagateOverride = [[lazy ? UNLINK : DEL, key]];
    c.server.wrote(db, key, NOTIFY_GENERIC, "del");
  }
}

function getset(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  if (!replyString(c, key)) return;
  const db = c.db;
  db.setString(key, argv[2]);
  c.server.wrote(db, key, NOTIFY_STRING, "set");
  c.propagateOverride = [[SET, key, argv[2]]];
}

function mget(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  c.out.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const id = lookupRead(c, argv[i]);
    if (id < 0 || db.typeOf(id) !== TYPE_STRING) {
      c.out.nullBulk();
    } else {
      const source = db.stringSource(id);
      c.out.bulkSlice(source, db.lastOffset, db.lastLength);
    }
  }
}

function msetGeneric(c: Client, argv: Uint8Array[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.out.error(arityError(nx ? "msetnx" : "mset"));
    return;
  }
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (lookupWrite(c, argv[i]) >= 0) {
        c.out.integer(0);
        return;
      }
    }
  }
  const db = c.db;
  for (let i = 1; i < argv.length; i += 2) {
    db.setString(argv[i], argv[i + 1]);
    c.server.wrote(db, argv[i], NOTIFY_STRING, "set");
  }
  if (nx) c.out.integer(1);
  else c.out.ok();
}

// ---------------------------------------------------------------- ranges

function append(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  const suffix = argv[2];
  const db = c.db;
  const id = lookupWrite(c, key);
  let length: number;
  if (id < 0) {
    // A new key holds the argument as SET would store it (not `raw`).
    db.setString(key, suffix);
    length = suffix.length;
  } else {
    if (db.typeOf(id) !== TYPE_STRING) {
      c.out.error(WRONGTYPE);
      return;
    }
    if (!checkStringLength(c, db.stringLength(id) + suffix.length)) return;
    length = db.appendString(id, suffix);
  }
  c.server.wrote(db, key, NOTIFY_STRING, "append");
  c.out.integer(length);
}

function strlen(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const id = lookupRead(c, argv[1]);
  if (id < 0) {
    c.out.integer(0);
  } else if (db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
  } else {
    c.out.integer(db.stringLength(id));
  }
}

function getrange(c: Client, argv: Uint8Array[]): void {
  let start = intArg(c, argv[2]);
  if (start === null) return;
  let end = intArg(c, argv[3]);
  if (end === null) return;
  const db = c.db;
  const id = lookupRead(c, argv[1]);
  if (id < 0) {
    c.out.bulk(EMPTY_STRING);
    return;
  }
  if (db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return;
  }
  if (start < 0 && end < 0 && argGreater(argv[2], argv[3], start, end)) {
    c.out.bulk(EMPTY_STRING);
    return;
  }
  const source = db.stringSource(id);
  const offset = db.lastOffset;
  const length = db.lastLength;
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) c.out.bulk(EMPTY_STRING);
  else c.out.bulkSlice(source, offset + start, end - start + 1);
}

function setrange(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  const value = argv[3];
  const offset = intArg(c, argv[2]);
  if (offset === null) return;
  if (offset < 0) {
    c.out.error("ERR offset is out of range");
    return;
  }
  const db = c.db;
  let id = lookupWrite(c, key);
  if (id < 0) {
    if (value.length === 0) {
      c.out.integer(0);
      return;
    }
    if (!checkStringLength(c, offset + value.length)) return;
    id = db.setString(key, EMPTY_STRING);
  } else {
    if (db.typeOf(id) !== TYPE_STRING) {
      c.out.error(WRONGTYPE);
      return;
    }
    if (value.length === 0) {
      c.out.integer(db.stringLength(id));
      return;
    }
    if (!checkStringLength(c, offset + value.length)) return;
  }
  const target = db.writableString(id, offset + value.length);
  target.set(value, offset);
  c.server.wrote(db, key, NOTIFY_STRING, "setrange");
  c.out.integer(target.length);
}

// -------------------------------------------------------------- counters

/**
 * INCR/DECR/INCRBY/DECRBY with a validated increment: exact 64-bit
 * arithmetic (numbers while exact, bigint beyond 2^53), Redis's overflow
 * error, the TTL kept.
 */
function incrBy(c: Client, key: Uint8Array, increment: number, incrementExact: bigint): void {
  const db = c.db;
  const id = lookupWrite(c, key);
  let result: number | bigint;
  if (id < 0) {
    result = Number.isSafeInteger(increment) ? increment : incrementExact;
  } else {
    if (db.typeOf(id) !== TYPE_STRING) {
      c.out.error(WRONGTYPE);
      return;
    }
    // Parsed where it lies in the store: no view of it is made.
    const source = db.stringSource(id);
    const start = db.lastOffset;
    const current = parseInteger(source, start, start + db.lastLength);
    if (Number.isNaN(current)) {
      c.out.error(NOT_INTEGER);
      return;
    }
    const sum = current + increment;
    if (
      Number.isSafeInteger(current) && Number.isSafeInteger(increment) && Number.isSafeInteger(sum)
    ) {
      result = sum;
    } else {
      const exact = parseBigInteger(db.stringView(id))! + incrementExact;
      if (!fitsInt64(exact)) {
        c.out.error(OVERFLOW);
        return;
      }
      result = exact;
    }
  }
  // The key was just looked up: overwrite the entry without a second lookup.
  if (id >= 0) db.overwriteString(id, decimalBytes(result), true);
  else db.setString(key, decimalBytes(result), true);
  c.server.wrote(db, key, NOTIFY_STRING, "incrby");
  c.out.integer(result);
}

/** Parses an INCRBY/DECRBY increment; null after replying with the error. */
function incrementArg(c: Client, arg: Uint8Array): { n: number; exact: bigint } | null {
  const n = parseInteger(arg);
  if (Number.isNaN(n)) {
    c.out.error(NOT_INTEGER);
    return null;
  }
  return { n, exact: Number.isSafeInteger(n) ? BigInt(n) : parseBigInteger(arg)! };
}

function incrby(c: Client, argv: Uint8Array[]): void {
  const inc = incrementArg(c, argv[2]);
  if (inc !== null) incrBy(c, argv[1], inc.n, inc.exact);
}

function decrby(c: Client, argv: Uint8Array[]): void {
  const inc = incrementArg(c, argv[2]);
  if (inc === null) return;
  if (inc.exact === INT64_MIN) {
    c.out.error("ERR decrement would overflow");
    return;
  }
  incrBy(c, argv[1], -inc.n, -inc.exact);
}

function incrbyfloat(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  const db = c.db;
  const id = lookupWrite(c, key);
  let current = LONG_DOUBLE_ZERO;
  if (id >= 0) {
    if (db.typeOf(id) !== TYPE_STRING) {
      c.out.error(WRONGTYPE);
      return;
    }
    const parsed = parseLongDouble(db.stringView(id));
    if (parsed === null) {
      c.out.error(NOT_FLOAT);
      return;
    }
    current = parsed;
  }
  const increment = parseLongDouble(argv[2]);
  if (increment === null) {
    c.out.error(NOT_FLOAT);
    return;
  }
  const sum = addLongDouble(current, increment);
  if (sum.kind !== "finite") {
    c.out.error("ERR increment would produce NaN or Infinity");
    return;
  }
  // A scratch view: setString and the reply copy it, and the propagation of
  // this command copies it before any other command runs.
  const value = latin1View(formatLongDoubleHuman(sum));
  // Redis builds the result without integer encoding: "12" is embstr, not int.
  db.setStringForm(db.setString(key, value, true), StringForm.PLAIN);
  c.server.wrote(db, key, NOTIFY_STRING, "incrbyfloat");
  c.out.bulk(value);
  // Logged as the resulting value so replicas and AOF replay cannot round differently.
  c.propagateOverride = [[SET, key, value, KEEPTTL]];
}

// ------------------------------------------------------------------- LCS

/** Redis refuses LCS on strings whose length does not fit its 32-bit indexes. */
const LCS_MAX_LENGTH = 0xffffffff - 1;

/** A dynamic-programming table of LCS lengths, in the narrowest type that fits. */
type LcsTable = Uint8Array | Uint16Array | Uint32Array;

function lcsTable(size: number, maxValue: number): LcsTable {
  if (maxValue < 0x100) return new Uint8Array(size);
  if (maxValue < 0x10000) return new Uint16Array(size);
  return new Uint32Array(size);
}

/** Length of the longest common subsequence in O(min) memory (LCS ... LEN). */
function lcsLength(a: Uint8Array, b: Uint8Array): number {
  const cols = b.length + 1;
  let previous = lcsTable(cols, Math.min(a.length, b.length));
  let current = lcsTable(cols, Math.min(a.length, b.length));
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j < cols; j++) {
      if (ai === b[j - 1]) current[j] = previous[j - 1] + 1;
      else current[j] = previous[j] > current[j - 1] ? previous[j] : current[j - 1];
    }
    const t = previous;
    previous = current;
    current = t;
  }
  return previous[cols - 1];
}

/** One matching range of `LCS ... IDX`: [aStart, aEnd, bStart, bEnd]. */
type LcsMatch = [number, number, number, number];

/**
 * Computes the LCS string and, walking the table back from the end as
 * Redis does (preferring to drop a byte of `b` on ties), the matching
 * ranges from last to first, keeping those at least `minMatchLen` long.
 */
function lcsWithMatches(
  a: Uint8Array,
  b: Uint8Array,
  minMatchLen: number,
): { lcs: Uint8Array; matches: LcsMatch[] } {
  const cols = b.length + 1;
  const table = lcsTable((a.length + 1) * cols, Math.min(a.length, b.length));
  for (let i = 1; i <= a.length; i++) {
    const row = i * cols;
    const above = row - cols;
    const ai = a[i - 1];
    for (let j = 1; j < cols; j++) {
      if (ai === b[j - 1]) table[row + j] = table[above + j - 1] + 1;
      else {
        const up = table[above + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  let idx = table[a.length * cols + b.length];
  const lcs = new Uint8Array(idx);
  const matches: LcsMatch[] = [];
  let open = false;
  let aStart = 0;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      lcs[--idx] = a[i - 1];
      if (!open) {
        open = true;
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else {
        // Walking back after a match always lands on the cell before it.
        aStart--;
        bStart--;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * cols + j] > table[i * cols + j - 1]) i--;
      else j--;
      if (open) emit = true;
    }
    if (emit) {
      if (aEnd - aStart + 1 >= minMatchLen) matches.push([aStart, aEnd, bStart, bEnd]);
      open = false;
    }
  }
  return { lcs, matches };
}

function lcs(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const idA = lookupRead(c, argv[1]);
  const idB = lookupRead(c, argv[2]);
  if (
    (idA >= 0 && db.typeOf(idA) !== TYPE_STRING) || (idB >= 0 && db.typeOf(idB) !== TYPE_STRING)
  ) {
    c.out.error("ERR The specified keys must contain string values");
    return;
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (isKeyword(opt, "idx")) getIdx = true;
    else if (isKeyword(opt, "len")) getLen = true;
    else if (isKeyword(opt, "withmatchlen")) withMatchLen = true;
    else if (isKeyword(opt, "minmatchlen") && j + 1 < argv.length) {
      const n = intArg(c, argv[++j]);
      if (n === null) return;
      minMatchLen = Math.max(n, 0);
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  if (getLen && getIdx) {
    c.out.error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  // Views into the store stay valid: nothing is written while LCS runs.
  const a = idA >= 0 ? db.stringView(idA) : EMPTY_STRING;
  const b = idB >= 0 ? db.stringView(idB) : EMPTY_STRING;
  if (a.length >= LCS_MAX_LENGTH || b.length >= LCS_MAX_LENGTH) {
    c.out.error("ERR String too long for LCS");
    return;
  }
  // Redis sizes a 32-bit table of (|a|+1)(|b|+1) cells and refuses beyond proto-max-bulk-len.
  if ((a.length + 1) * (b.length + 1) * 4 > c.server.config.int("proto-max-bulk-len")) {
    c.out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  if (getLen) {
    c.out.integer(lcsLength(a, b));
    return;
  }
  const { lcs, matches } = lcsWithMatches(a, b, getIdx ? minMatchLen : 0);
  if (!getIdx) {
    c.out.bulk(lcs);
    return;
  }
  c.out.map(2);
  c.out.bulkLatin1("matches");
  c.out.array(matches.length);
  for (const [aStart, aEnd, bStart, bEnd] of matches) {
    c.out.array(withMatchLen ? 3 : 2);
    c.out.array(2);
    c.out.integer(aStart);
    c.out.integer(aEnd);
    c.out.array(2);
    c.out.integer(bStart);
    c.out.integer(bEnd);
    if (withMatchLen) c.out.integer(aEnd - aStart + 1);
  }
  c.out.bulkLatin1("len");
  c.out.integer(lcs.length);
}

// ----------------------------------------------------------------- specs

/** String command specs. */
export const STRING_COMMANDS: CommandSpec[] = [
  command({
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access"],
    group: "string",
    since: "1.0.0",
    summary: "Get the value of a key",
    complexity: "O(1)",
    syntax: "key",
    handler: (c, argv) => void replyString(c, argv[1]),
  }),
  command({
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [{
      spec: "RW access update variable_flags",
      notes: "RW and ACCESS due to the optional `GET` argument",
    }],
    keys: setKeys,
    group: "string",
    since: "1.0.0",
    summary: "Set the string value of a key",
    complexity: "O(1)",
    syntax:
      "key value [NX | XX]{condition 2.6.12} [GET]{6.2.0} [EX seconds{2.6.12} | PX milliseconds{2.6.12} | EXAT unix-time-seconds{6.2.0} | PXAT unix-time-milliseconds{6.2.0} | KEEPTTL{6.0.0}]{expiration}",
    history: [
      ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Added the `KEEPTTL` option."],
      ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
      ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
    ],
    handler: set,
  }),
  command({
    name: "setnx",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["OW insert"],
    group: "string",
    since: "1.0.0",
    summary: "Set the value of a key, only if the key does not exist",
    complexity: "O(1)",
    syntax: "key value",
    handler: setnx,
  }),
  command({
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update"],
    group: "string",
    since: "2.0.0",
    summary: "Set the value and expiration of a key",
    complexity: "O(1)",
    syntax: "key seconds value",
    handler: (c, argv) => setex(c, argv, OPT_EX, "setex"),
  }),
  command({
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update"],
    group: "string",
    since: "2.6.0",
    summary: "Set the value and expiration in milliseconds of a key",
    complexity: "O(1)",
    syntax: "key milliseconds value",
    handler: (c, argv) => setex(c, argv, OPT_PX, "psetex"),
  }),
  command({
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [{ spec: "RW access update", notes: "RW and UPDATE because it changes the TTL" }],
    group: "string",
    since: "6.2.0",
    summary: "Get the value of a key and optionally set its expiration",
    complexity: "O(1)",
    syntax:
      "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]{expiration}",
    handler: getex,
  }),
  command({
    name: "getdel",
    arity: 2,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete"],
    group: "string",
    since: "6.2.0",
    summary: "Get the value of a key and delete the key",
    complexity: "O(1)",
    syntax: "key",
    handler: getdel,
  }),
  command({
    name: "getset",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "string",
    since: "1.0.0",
    summary: "Set the string value of a key and return its old value",
    complexity: "O(1)",
    syntax: "key value",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
    handler: getset,
  }),
  command({
    name: "mget",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access range:-1"],
    group: "string",
    since: "1.0.0",
    summary: "Get the values of all the given keys",
    complexity: "O(N) where N is the number of keys to retrieve.",
    syntax: "key [key ...]",
    tips: ["request_policy:multi_shard"],
    handler: mget,
  }),
  command({
    name: "mset",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update range:-1:2"],
    group: "string",
    since: "1.0.1",
    summary: "Set multiple keys to multiple values",
    complexity: "O(N) where N is the number of keys to set.",
    syntax: "key value [key value ...]",
    tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
    handler: (c, argv) => msetGeneric(c, argv, false),
  }),
  command({
    name: "msetnx",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: ["OW insert range:-1:2"],
    group: "string",
    since: "1.0.1",
    summary: "Set multiple keys to multiple values, only if none of the keys exist",
    complexity: "O(N) where N is the number of keys to set.",
    syntax: "key value [key value ...]",
    tips: ["request_policy:multi_shard", "response_policy:agg_min"],
    handler: (c, argv) => msetGeneric(c, argv, true),
  }),
  command({
    name: "append",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "string",
    since: "2.0.0",
    summary: "Append a value to a key",
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    syntax: "key value",
    handler: append,
  }),
  command({
    name: "strlen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "string",
    since: "2.2.0",
    summary: "Get the length of the value stored in a key",
    complexity: "O(1)",
    syntax: "key",
    handler: strlen,
  }),
  command({
    name: "getrange",
    arity: 4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "string",
    since: "2.4.0",
    summary: "Get a substring of the string stored at a key",
    complexity:
      "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
    syntax: "key start end",
    handler: getrange,
  }),
  command({
    name: "substr",
    arity: 4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "string",
    since: "1.0.0",
    summary: "Get a substring of the string stored at a key",
    complexity:
      "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
    syntax: "key start end",
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`GETRANGE`",
    handler: getrange,
  }),
  command({
    name: "setrange",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: ["RW update"],
    group: "string",
    since: "2.2.0",
    summary: "Overwrite part of a string at key starting at the specified offset",
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    syntax: "key offset value",
    handler: setrange,
  }),
  command({
    name: "incr",
    arity: 2,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "string",
    since: "1.0.0",
    summary: "Increment the integer value of a key by one",
    complexity: "O(1)",
    syntax: "key",
    handler: (c, argv) => incrBy(c, argv[1], 1, 1n),
  }),
  command({
    name: "decr",
    arity: 2,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "string",
    since: "1.0.0",
    summary: "Decrement the integer value of a key by one",
    complexity: "O(1)",
    syntax: "key",
    handler: (c, argv) => incrBy(c, argv[1], -1, -1n),
  }),
  command({
    name: "incrby",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "string",
    since: "1.0.0",
    summary: "Increment the integer value of a key by the given amount",
    complexity: "O(1)",
    syntax: "key increment",
    handler: incrby,
  }),
  command({
    name: "decrby",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "string",
    since: "1.0.0",
    summary: "Decrement the integer value of a key by the given number",
    complexity: "O(1)",
    syntax: "key decrement",
    handler: decrby,
  }),
  command({
    name: "incrbyfloat",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "string",
    since: "2.6.0",
    summary: "Increment the float value of a key by the given amount",
    complexity: "O(1)",
    syntax: "key increment{double}",
    handler: incrbyfloat,
  }),
  command({
    name: "lcs",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access range:1"],
    group: "string",
    since: "7.0.0",
    summary: "Find longest common substring",
    complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    syntax: "key1 key2{ks:0} [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]",
    handler: lcs,
  }),
];
