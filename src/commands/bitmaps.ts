/**
 * Bitmap commands over string values, with Redis 7.0's replies, errors
 * and argument order: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD
 * and BITFIELD_RO. Bit 0 is the most significant bit of the first byte.
 *
 * Writes grow the value in place through `Database.writableString` (which
 * marks it `raw`, as Redis's encodings would); BITOP stores a new value.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { TYPE_STRING } from "../store/database.ts";
import { command, type CommandSpec } from "./spec.ts";
import { bitfieldKeys } from "./key_finders.ts";
import {
  deleteDestination,
  intArg,
  lookupRead,
  lookupWrite,
  NOT_INTEGER,
  SYNTAX_ERROR,
  WRONGTYPE,
} from "./util.ts";
import { argGreater } from "./strings.ts";
import { isKeyword } from "../util/bytes.ts";
import { parseBigInteger, parseInteger } from "../util/numbers.ts";
import { NOTIFY_STRING } from "../server/notify_flags.ts";

const BIT_OFFSET_ERROR = "ERR bit offset is not an integer or out of range";
const EMPTY = new Uint8Array(0);

/** Set bits in each byte value. */
const BITS_IN_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let i = 1; i < 256; i++) table[i] = (i & 1) + table[i >> 1];
  return table;
})();

/**
 * Parses a bit offset as Redis's `getBitOffsetFromArgument`: a 64-bit
 * integer, or with `bits` > 0 (BITFIELD) `#n` meaning n × bits (wrapping
 * like the C multiplication), that must address a byte below
 * `proto-max-bulk-len`. Returns -1 after replying with the error.
 */
function bitOffsetArg(c: Client, arg: Uint8Array, bits = 0): number {
  let offset: number;
  if (bits > 0 && arg.length > 0 && arg[0] === 35 /* # */) {
    const n = parseBigInteger(arg.subarray(1));
    offset = n === null ? NaN : Number(BigInt.asIntN(64, n * BigInt(bits)));
  } else {
    offset = parseInteger(arg);
  }
  if (
    Number.isNaN(offset) || offset < 0 ||
    Math.floor(offset / 8) >= c.server.config.int("proto-max-bulk-len")
  ) {
    c.out.error(BIT_OFFSET_ERROR);
    return -1;
  }
  return offset;
}

/** The writable bytes of a string key, and whether getting them created or grew the key. */
interface BitTarget {
  bytes: Uint8Array;
  grown: boolean;
}

/**
 * The writable bytes of a string key grown (zero-filled) to hold bit
 * `maxBit`, creating the key if needed (Redis's
 * `lookupStringForBitCommand`). Null after replying WRONGTYPE.
 */
function stringForBitWrite(c: Client, key: Uint8Array, maxBit: number): BitTarget | null {
  const db = c.db;
  let id = lookupWrite(c, key);
  if (id >= 0 && db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return null;
  }
  let before = -1;
  if (id < 0) id = db.setString(key, EMPTY);
  else before = db.stringLength(id);
  const bytes = db.writableString(id, Math.floor(maxBit / 8) + 1);
  return { bytes, grown: bytes.length !== before };
}

/**
 * The bytes of a string key for reading: null after replying WRONGTYPE,
 * undefined when the key is missing.
 */
function stringForBitRead(c: Client, key: Uint8Array): Uint8Array | null | undefined {
  const id = lookupRead(c, key);
  if (id < 0) return undefined;
  if (c.db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return null;
  }
  return c.db.stringView(id);
}

// -------------------------------------------------------- SETBIT, GETBIT

function setbit(c: Client, argv: Uint8Array[]): void {
  const offset = bitOffsetArg(c, argv[2]);
  if (offset < 0) return;
  const on = parseInteger(argv[3]);
  if (on !== 0 && on !== 1) {
    c.out.error("ERR bit is not an integer or out of range");
    return;
  }
  const target = stringForBitWrite(c, argv[1], offset);
  if (target === null) return;
  const { bytes } = target;
  const byte = Math.floor(offset / 8);
  const mask = 0x80 >> (offset % 8);
  const previous = (bytes[byte] & mask) !== 0;
  // Only a real change (or a created or grown string) counts as a write.
  if (target.grown || previous !== (on === 1)) {
    if (on) bytes[byte] |= mask;
    else bytes[byte] &= ~mask;
    c.server.wrote(c.db, argv[1], NOTIFY_STRING, "setbit");
  }
  c.out.integer(previous ? 1 : 0);
}

function getbit(c: Client, argv: Uint8Array[]): void {
  const offset = bitOffsetArg(c, argv[2]);
  if (offset < 0) return;
  const bytes = stringForBitRead(c, argv[1]);
  if (bytes === null) return;
  const byte = Math.floor(offset / 8);
  const set = bytes !== undefined && byte < bytes.length &&
    (bytes[byte] & (0x80 >> (offset % 8))) !== 0;
  c.out.integer(set ? 1 : 0);
}

// ------------------------------------------------------ BITCOUNT, BITPOS

/** Set bits in a 32-bit word. */
function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Set bits in `bytes[start, end)`, a 32-bit word at a time where aligned. */
function popcount(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  let i = start;
  while (i < end && (bytes.byteOffset + i) % 4 !== 0) count += BITS_IN_BYTE[bytes[i++]];
  const words = Math.floor((end - i) / 4);
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) count += popcount32(view[w]);
    i += words * 4;
  }
  while (i < end) count += BITS_IN_BYTE[bytes[i++]];
  return count;
}

/** Set bits in the bit range `[from, to]` (inclusive). */
function countBits(bytes: Uint8Array, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let count = popcount(bytes, first, last + 1);
  // Take away the bits of the edge bytes that lie outside the range.
  count -= BITS_IN_BYTE[bytes[first] & ~(0xff >> (from % 8)) & 0xff];
  count -= BITS_IN_BYTE[bytes[last] & (0xff >> ((to % 8) + 1))];
  return count;
}

/** Parses BIT | BYTE; null after replying with a syntax error. */
function unitArg(c: Client, arg: Uint8Array): boolean | null {
  if (isKeyword(arg, "bit")) return true;
  if (isKeyword(arg, "byte")) return false;
  c.out.error(SYNTAX_ERROR);
  return null;
}

function bitcount(c: Client, argv: Uint8Array[]): void {
  const bytes = stringForBitRead(c, argv[1]);
  if (bytes === null) return;
  if (bytes === undefined) {
    c.out.integer(0);
    return;
  }
  const length = bytes.length;
  if (argv.length === 2) {
    c.out.integer(popcount(bytes, 0, length));
    return;
  }
  if (argv.length !== 4 && argv.length !== 5) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  let start = intArg(c, argv[2]);
  if (start === null) return;
  let end = intArg(c, argv[3]);
  if (end === null) return;
  if (start < 0 && end < 0 && argGreater(argv[2], argv[3], start, end)) {
    c.out.integer(0);
    return;
  }
  let inBits = false;
  if (argv.length === 5) {
    const unit = unitArg(c, argv[4]);
    if (unit === null) return;
    inBits = unit;
  }
  const total = inBits ? length * 8 : length;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) c.out.integer(0);
  else if (inBits) c.out.integer(countBits(bytes, start, end));
  else c.out.integer(popcount(bytes, start, end + 1));
}

/** Position of the first bit equal to `bit` in the bit range `[from, to]`, or -1. */
function findBit(bytes: Uint8Array, from: number, to: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  const last = Math.floor(to / 8);
  for (let b = Math.floor(from / 8); b <= last; b++) {
    const value = bytes[b];
    if (value === skip) continue;
    const lo = b === Math.floor(from / 8) ? from % 8 : 0;
    const hi = b === last ? to % 8 : 7;
    for (let i = lo; i <= hi; i++) {
      if (((value >> (7 - i)) & 1) === bit) return b * 8 + i;
    }
  }
  return -1;
}

function bitpos(c: Client, argv: Uint8Array[]): void {
  const bit = intArg(c, argv[2]);
  if (bit === null) return;
  if (bit !== 0 && bit !== 1) {
    c.out.error("ERR The bit argument must be 1 or 0.");
    return;
  }
  const bytes = stringForBitRead(c, argv[1]);
  if (bytes === null) return;
  if (bytes === undefined) {
    // A missing key is an endless run of zeros.
    c.out.integer(bit ? -1 : 0);
    return;
  }
  const length = bytes.length;
  let from: number;
  let to: number;
  const endGiven = argv.length >= 5;
  if (argv.length === 3) {
    from = 0;
    to = length * 8 - 1;
  } else if (argv.length <= 6) {
    let start = intArg(c, argv[3]);
    if (start === null) return;
    let inBits = false;
    if (argv.length === 6) {
      const unit = unitArg(c, argv[5]);
      if (unit === null) return;
      inBits = unit;
    }
    // Without an end (and so without a unit) the range runs to the last byte.
    let end = length - 1;
    if (endGiven) {
      const given = intArg(c, argv[4]);
      if (given === null) return;
      end = given;
    }
    const total = inBits ? length * 8 : length;
    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (start > end) {
      c.out.integer(-1);
      return;
    }
    from = inBits ? start : start * 8;
    to = inBits ? end : end * 8 + 7;
  } else {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  if (from > to) {
    c.out.integer(-1);
    return;
  }
  const found = findBit(bytes, from, to, bit);
  // Looking for a zero without an explicit end treats the string as zero-padded on the right.
  if (found < 0 && bit === 0 && !endGiven) c.out.integer(to + 1);
  else c.out.integer(found);
}

// ----------------------------------------------------------------- BITOP

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

function bitopOperation(arg: Uint8Array): number {
  if (isKeyword(arg, "and")) return OP_AND;
  if (isKeyword(arg, "or")) return OP_OR;
  if (isKeyword(arg, "xor")) return OP_XOR;
  if (isKeyword(arg, "not")) return OP_NOT;
  return -1;
}

function bitop(c: Client, argv: Uint8Array[]): void {
  const op = bitopOperation(argv[1]);
  if (op < 0) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  if (op === OP_NOT && argv.length !== 4) {
    c.out.error("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  const sources: Uint8Array[] = [];
  let maxLength = 0;
  for (let j = 3; j < argv.length; j++) {
    const bytes = stringForBitRead(c, argv[j]);
    if (bytes === null) return;
    const source = bytes ?? EMPTY;
    sources.push(source);
    if (source.length > maxLength) maxLength = source.length;
  }
  const db = c.db;
  const target = argv[2];
  if (maxLength === 0) {
    deleteDestination(c, target);
    c.out.integer(0);
    return;
  }
  // Missing bytes of shorter sources count as zeros.
  const result = new Uint8Array(maxLength);
  result.set(sources[0]);
  if (op === OP_NOT) {
    for (let i = 0; i < maxLength; i++) result[i] = ~result[i];
  }
  for (let s = 1; s < sources.length; s++) {
    const source = sources[s];
    const n = source.length;
    if (op === OP_AND) {
      for (let i = 0; i < n; i++) result[i] &= source[i];
      result.fill(0, n);
    } else if (op === OP_OR) {
      for (let i = 0; i < n; i++) result[i] |= source[i];
    } else {
      for (let i = 0; i < n; i++) result[i] ^= source[i];
    }
  }
  // Redis stores the result as a fresh `raw` string, replacing any value and TTL.
  const id = db.setString(target, result);
  db.writableString(id, 0);
  c.server.wrote(db, target, NOTIFY_STRING, "set");
  c.out.integer(maxLength);
}

// -------------------------------------------------------------- BITFIELD

const OVERFLOW_WRAP = 0;
const OVERFLOW_SAT = 1;
const OVERFLOW_FAIL = 2;

const FIELD_GET = 0;
const FIELD_SET = 1;
const FIELD_INCRBY = 2;

/** One parsed BITFIELD operation. */
interface FieldOp {
  opcode: number;
  signed: boolean;
  bits: number;
  offset: number;
  /** SET value or INCRBY increment (a signed 64-bit integer). */
  value: bigint;
  overflow: number;
}

const TYPE_ERROR =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/** Parses `i<bits>` / `u<bits>` (i1..i64, u1..u63); null after replying with the error. */
function fieldType(c: Client, arg: Uint8Array): { signed: boolean; bits: number } | null {
  const sign = arg.length > 0 ? arg[0] : 0;
  // The width is read as a C string: it ends at a NUL byte.
  let end = arg.indexOf(0, 1);
  if (end < 0) end = arg.length;
  const bits = parseInteger(arg.subarray(1, end));
  if (
    (sign !== 105 /* i */ && sign !== 117 /* u */) || Number.isNaN(bits) || bits < 1 ||
    bits > (sign === 105 ? 64 : 63)
  ) {
    c.out.error(TYPE_ERROR);
    return null;
  }
  return { signed: sign === 105, bits };
}

/** Reads `bits` bits at bit `offset` as an unsigned integer; bytes past the end read as zero. */
function readField(bytes: Uint8Array, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  let acc = 0n;
  for (let i = first; i <= last; i++) {
    acc = (acc << 8n) | BigInt(i < bytes.length ? bytes[i] : 0);
  }
  const below = (last - first + 1) * 8 - (offset % 8) - bits;
  return BigInt.asUintN(bits, acc >> BigInt(below));
}

/** Writes the low `bits` bits of `value` at bit `offset` (the bytes must exist). */
function writeField(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  let acc = 0n;
  for (let i = first; i <= last; i++) acc = (acc << 8n) | BigInt(bytes[i]);
  const below = BigInt((last - first + 1) * 8 - (offset % 8) - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << below;
  acc = (acc & ~mask) | ((BigInt.asUintN(bits, value) << below) & mask);
  for (let i = last; i >= first; i--) {
    bytes[i] = Number(acc & 0xffn);
    acc >>= 8n;
  }
}

/**
 * Applies SET or INCRBY to a field: the value to store, or null when it
 * overflows under OVERFLOW FAIL. WRAP keeps the low bits (two's complement
 * for signed fields), SAT clamps to the type's range. A SET value of an
 * unsigned field is taken as the 64-bit unsigned pattern, as in C.
 */
function fieldResult(op: FieldOp, old: bigint): bigint | null {
  const bits = BigInt(op.bits);
  let wanted: bigint;
  if (op.opcode === FIELD_INCRBY) wanted = old + op.value;
  else wanted = op.signed ? op.value : BigInt.asUintN(64, op.value);
  const max = op.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const min = op.signed ? -(1n << (bits - 1n)) : 0n;
  if (wanted >= min && wanted <= max) return wanted;
  if (op.overflow === OVERFLOW_FAIL) return null;
  if (op.overflow === OVERFLOW_SAT) return wanted > max ? max : min;
  return op.signed ? BigInt.asIntN(op.bits, wanted) : BigInt.asUintN(op.bits, wanted);
}

/** Parses the BITFIELD operations; null after replying with the first error. */
function parseFieldOps(c: Client, argv: Uint8Array[]): FieldOp[] | null {
  const ops: FieldOp[] = [];
  let overflow = OVERFLOW_WRAP;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const name = argv[j];
    let opcode: number;
    if (isKeyword(name, "get") && remaining >= 2) opcode = FIELD_GET;
    else if (isKeyword(name, "set") && remaining >= 3) opcode = FIELD_SET;
    else if (isKeyword(name, "incrby") && remaining >= 3) opcode = FIELD_INCRBY;
    else if (isKeyword(name, "overflow") && remaining >= 1) {
      const kind = argv[++j];
      if (isKeyword(kind, "wrap")) overflow = OVERFLOW_WRAP;
      else if (isKeyword(kind, "sat")) overflow = OVERFLOW_SAT;
      else if (isKeyword(kind, "fail")) overflow = OVERFLOW_FAIL;
      else {
        c.out.error("ERR Invalid OVERFLOW type specified");
        return null;
      }
      continue;
    } else {
      c.out.error(SYNTAX_ERROR);
      return null;
    }
    const type = fieldType(c, argv[j + 1]);
    if (type === null) return null;
    const offset = bitOffsetArg(c, argv[j + 2], type.bits);
    if (offset < 0) return null;
    let value = 0n;
    if (opcode !== FIELD_GET) {
      const v = parseBigInteger(argv[j + 3]);
      if (v === null) {
        c.out.error(NOT_INTEGER);
        return null;
      }
      value = v;
    }
    ops.push({ opcode, signed: type.signed, bits: type.bits, offset, value, overflow });
    j += opcode === FIELD_GET ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(c: Client, argv: Uint8Array[], readOnlyCommand: boolean): void {
  const ops = parseFieldOps(c, argv);
  if (ops === null) return;
  let highestWrite = -1;
  for (const op of ops) {
    if (op.opcode !== FIELD_GET) highestWrite = Math.max(highestWrite, op.offset + op.bits - 1);
  }
  let bytes: Uint8Array;
  let grown = false;
  if (highestWrite < 0) {
    const read = stringForBitRead(c, argv[1]);
    if (read === null) return;
    bytes = read ?? EMPTY;
  } else {
    if (readOnlyCommand) {
      c.out.error("ERR BITFIELD_RO only supports the GET subcommand");
      return;
    }
    const target = stringForBitWrite(c, argv[1], highestWrite);
    if (target === null) return;
    bytes = target.bytes;
    grown = target.grown;
  }
  let changes = 0;
  c.out.array(ops.length);
  for (const op of ops) {
    const raw = readField(bytes, op.offset, op.bits);
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    if (op.opcode === FIELD_GET) {
      c.out.integer(old);
      continue;
    }
    const stored = fieldResult(op, old);
    if (stored === null) {
      c.out.nullBulk();
      continue;
    }
    c.out.integer(op.opcode === FIELD_SET ? old : stored);
    writeField(bytes, op.offset, op.bits, stored);
    if (grown || stored !== old) changes++;
  }
  if (changes > 0) c.server.wrote(c.db, argv[1], NOTIFY_STRING, "setbit", changes);
}

// ----------------------------------------------------------------- specs

/** Bitmap command specs. */
export const BITMAP_COMMANDS: CommandSpec[] = [
  command({
    name: "setbit",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: ["RW access update"],
    group: "bitmap",
    since: "2.2.0",
    summary: "Sets or clears the bit at offset in the string value stored at key",
    complexity: "O(1)",
    syntax: "key offset value{integer}",
    handler: setbit,
  }),
  command({
    name: "getbit",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access"],
    group: "bitmap",
    since: "2.2.0",
    summary: "Returns the bit value at offset in the string value stored at key",
    complexity: "O(1)",
    syntax: "key offset",
    handler: getbit,
  }),
  command({
    name: "bitcount",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "bitmap",
    since: "2.6.0",
    summary: "Count set bits in a string",
    complexity: "O(N)",
    syntax: "key [start end [BYTE | BIT]{index_unit 7.0.0}]{index}",
    history: [["7.0.0", "Added the `BYTE|BIT` option."]],
    handler: bitcount,
  }),
  command({
    name: "bitpos",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "bitmap",
    since: "2.8.7",
    summary: "Find first bit set or clear in a string",
    complexity: "O(N)",
    syntax: "key bit [start [end [BYTE | BIT]{index_unit 7.0.0}]{end_index}]{index}",
    history: [["7.0.0", "Added the `BYTE|BIT` option."]],
    handler: bitpos,
  }),
  command({
    name: "bitop",
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update index:2", "RO access index:3 range:-1"],
    group: "bitmap",
    since: "2.6.0",
    summary: "Perform bitwise operations between strings",
    complexity: "O(N)",
    syntax: "operation destkey key [key ...]",
    handler: bitop,
  }),
  command({
    name: "bitfield",
    arity: -2,
    flags: ["write", "denyoom"],
    keySpecs: [{
      spec: "RW access update variable_flags",
      notes: "This command allows both access and modification of the key",
    }],
    keys: bitfieldKeys,
    group: "bitmap",
    since: "3.2.0",
    summary: "Perform arbitrary bitfield integer operations on strings",
    complexity: "O(1) for each subcommand specified",
    syntax:
      "key [<GET encoding offset | <[OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value{integer} | INCRBY encoding offset increment>{write_operation}>{write}> ...]{operation}",
    handler: (c, argv) => bitfieldGeneric(c, argv, false),
  }),
  command({
    name: "bitfield_ro",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access"],
    group: "bitmap",
    since: "6.0.0",
    summary:
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    complexity: "O(1) for each subcommand specified",
    syntax: "key [GET encoding offset [GET encoding offset ...]]",
    handler: (c, argv) => bitfieldGeneric(c, argv, true),
  }),
];
