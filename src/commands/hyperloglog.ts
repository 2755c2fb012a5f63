/**
 * HyperLogLog commands with Redis 7.0's replies, errors, side effects and
 * bytes: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST. An HLL is a
 * string value in Redis's own format (see store/hyperloglog.ts), so GET,
 * DUMP/RESTORE, RDB and AOF carry it unchanged.
 *
 * Like Redis, every command that finds a valid HLL makes its value private
 * (`raw` for OBJECT ENCODING), and a single-key PFCOUNT that recomputes the
 * cached cardinality writes it back: a silent write that touches WATCH and
 * the dirty counter (so the command propagates) without a keyspace event.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { StringForm, TYPE_STRING } from "../store/database.ts";
import {
  cachedCardinality,
  cacheValid,
  CARD_OVERFLOW,
  countHll,
  countRegisters,
  decodeSparse,
  denseGet,
  HLL_CORRUPT,
  HLL_DENSE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HllWriter,
  invalidateCache,
  isHll,
  mergeInto,
  newHll,
  selfTest,
  setCachedCardinality,
} from "../store/hyperloglog.ts";
import { command, type CommandSpec } from "./spec.ts";
import { lookupRead, lookupWrite, WRONGTYPE } from "./util.ts";
import { latin1 } from "../util/bytes.ts";
import { NOTIFY_STRING } from "../server/notify_flags.ts";

const NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

/**
 * The entry of a key that must hold a valid HLL: -1 when missing, -2 after
 * replying WRONGTYPE (another type, or a string that is not an HLL).
 */
function hllEntry(c: Client, key: Uint8Array, forWrite: boolean): number {
  const id = forWrite ? lookupWrite(c, key) : lookupRead(c, key);
  if (id < 0) return -1;
  if (c.db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return -2;
  }
  if (!isHll(c.db.stringView(id))) {
    c.out.error(NOT_HLL);
    return -2;
  }
  return id;
}

/** Redis unshares the value it is about to use: a writable view, now `raw`. */
function privateValue(c: Client, id: number): Uint8Array {
  return c.db.writableString(id, 0);
}

/** Stores a writer's result in an existing entry (TTL kept) unless it was edited in place. */
function storeWriter(c: Client, id: number, writer: HllWriter, inPlace: Uint8Array): void {
  if (writer.bytes === inPlace) return;
  c.db.overwriteString(id, writer.value(), true);
  c.db.setStringForm(id, StringForm.RAW);
}

/** A count as Redis replies it: its uint64 printed as a signed 64-bit integer. */
function replyCardinality(c: Client, card: number): void {
  if (card === CARD_OVERFLOW) c.out.integer(-(2n ** 63n));
  else c.out.integer(card);
}

function sparseMaxBytes(c: Client): number {
  return c.server.config.int("hll-sparse-max-bytes");
}

// ------------------------------------------------------------------ PFADD

function pfadd(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  let id = hllEntry(c, key, true);
  if (id === -2) return;
  let updated = 0;
  let current: Uint8Array;
  if (id < 0) {
    id = c.db.setString(key, newHll());
    c.db.setStringForm(id, StringForm.RAW);
    current = c.db.stringView(id);
    updated++;
  } else {
    current = privateValue(c, id);
  }
  // A dense value is edited where it lies; a sparse one in a copy with room to grow.
  const inPlace = current[4] === HLL_DENSE;
  const writer = new HllWriter(current, sparseMaxBytes(c), inPlace);
  let touched = false;
  for (let j = 2; j < argv.length; j++) {
    const result = writer.add(argv[j]);
    if (result === HLL_CORRUPT) {
      // Registers set before the corruption was found stay set, silently, as in Redis.
      if (touched) storeWriter(c, id, writer, current);
      c.out.error(CORRUPT);
      return;
    }
    if (result > 0) {
      updated++;
      touched = true;
    }
  }
  if (updated > 0) {
    invalidateCache(writer.bytes);
    storeWriter(c, id, writer, current);
    c.server.wrote(c.db, key, NOTIFY_STRING, "pfadd", updated);
  }
  c.out.integer(updated > 0 ? 1 : 0);
}

// ---------------------------------------------------------------- PFCOUNT

function pfcount(c: Client, argv: Uint8Array[]): void {
  if (argv.length > 2) {
    // The union of several HLLs: merged into scratch registers, nothing cached.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const id = hllEntry(c, argv[j], false);
      if (id === -1) continue;
      if (id === -2) return;
      if (!mergeInto(max, c.db.stringView(id))) {
        c.out.error(CORRUPT);
        return;
      }
    }
    replyCardinality(c, countRegisters(max));
    return;
  }
  const key = argv[1];
  const id = hllEntry(c, key, false);
  if (id === -2) return;
  if (id === -1) {
    c.out.integer(0);
    return;
  }
  const value = privateValue(c, id);
  if (cacheValid(value)) {
    c.out.integer(cachedCardinality(value));
    return;
  }
  const card = countHll(value);
  if (card < 0) {
    c.out.error(CORRUPT);
    return;
  }
  setCachedCardinality(value, card);
  // A write without a keyspace event (Redis: signalModifiedKey and dirty++ only).
  c.server.watch.touch(c.db, key);
  c.server.dirty++;
  replyCardinality(c, card);
}

// ---------------------------------------------------------------- PFMERGE

function pfmerge(c: Client, argv: Uint8Array[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  // The destination is one of the inputs.
  for (let j = 1; j < argv.length; j++) {
    const id = hllEntry(c, argv[j], false);
    if (id === -1) continue;
    if (id === -2) return;
    const value = c.db.stringView(id);
    if (value[4] === HLL_DENSE) useDense = true;
    if (!mergeInto(max, value)) {
      c.out.error(CORRUPT);
      return;
    }
  }
  const key = argv[1];
  let id = lookupWrite(c, key);
  let current: Uint8Array;
  if (id < 0) {
    id = c.db.setString(key, newHll());
    c.db.setStringForm(id, StringForm.RAW);
    current = c.db.stringView(id);
  } else {
    current = privateValue(c, id);
  }
  const writer = new HllWriter(current, sparseMaxBytes(c), current[4] === HLL_DENSE);
  // Cannot fail: the destination's payload was walked as an input above.
  if (useDense) writer.toDense();
  // The destination was one of the inputs: max is at least each of its registers.
  writer.raiseAll(max);
  invalidateCache(writer.bytes);
  storeWriter(c, id, writer, current);
  // Redis sends `pfadd` for PFMERGE too.
  c.server.wrote(c.db, key, NOTIFY_STRING, "pfadd");
  c.out.ok();
}

// ---------------------------------------------------------------- PFDEBUG

/** A subcommand name as Redis reads it: a C string, ending at the first NUL. */
function subcommandName(arg: Uint8Array): string {
  const nul = arg.indexOf(0);
  return latin1(nul < 0 ? arg : arg.subarray(0, nul));
}

/** Makes a sparse HLL dense in place in the keyspace; false after replying INVALIDOBJ. */
function convertToDense(c: Client, id: number, value: Uint8Array): boolean {
  const writer = new HllWriter(value, sparseMaxBytes(c));
  if (!writer.toDense()) {
    c.out.error(CORRUPT);
    return false;
  }
  storeWriter(c, id, writer, value);
  // Redis counts the change (so it propagates) but signals nothing.
  c.server.dirty++;
  return true;
}

function pfdebug(c: Client, argv: Uint8Array[]): void {
  const sub = subcommandName(argv[1]);
  const key = argv[2];
  const id = hllEntry(c, key, true);
  if (id === -1) {
    c.out.error("ERR The specified key does not exist");
    return;
  }
  if (id === -2) return;
  const value = privateValue(c, id);
  const encoding = value[4];
  switch (sub.toLowerCase()) {
    case "getreg": {
      if (encoding === HLL_SPARSE && !convertToDense(c, id, value)) return;
      const dense = c.db.stringView(id);
      c.out.array(HLL_REGISTERS);
      for (let i = 0; i < HLL_REGISTERS; i++) c.out.integer(denseGet(dense, HLL_HDR_SIZE, i));
      return;
    }
    case "decode":
      if (encoding !== HLL_SPARSE) c.out.error("ERR HLL encoding is not sparse");
      else c.out.bulkText(decodeSparse(value));
      return;
    case "encoding":
      c.out.simple(encoding === HLL_DENSE ? "dense" : "sparse");
      return;
    case "todense":
      if (encoding === HLL_SPARSE) {
        if (convertToDense(c, id, value)) c.out.integer(1);
      } else {
        c.out.integer(0);
      }
      return;
    default:
      c.out.error(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  }
}

function pfselftest(c: Client): void {
  const failure = selfTest();
  if (failure === null) c.out.ok();
  else c.out.error(`TESTFAILED ${failure}`);
}

// ----------------------------------------------------------------- specs

/** HyperLogLog command specs. */
export const HYPERLOGLOG_COMMANDS: CommandSpec[] = [
  command({
    name: "pfadd",
    arity: -2,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Adds the specified elements to the specified HyperLogLog.",
    complexity: "O(1) to add every element.",
    syntax: "key [element [element ...]]",
    handler: pfadd,
  }),
  command({
    name: "pfcount",
    arity: -2,
    flags: ["readonly", "may_replicate"],
    keySpecs: [{
      spec: "RW access range:-1",
      notes:
        "RW because it may change the internal representation of the key, and propagate to replicas",
    }],
    group: "hyperloglog",
    since: "2.8.9",
    summary:
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
    complexity:
      "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
    syntax: "key [key ...]",
    handler: pfcount,
  }),
  command({
    name: "pfmerge",
    arity: -2,
    flags: ["write", "denyoom"],
    keySpecs: ["RW access insert", "RO access index:2 range:-1"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Merge N different HyperLogLogs into a single one.",
    complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
    syntax: "destkey sourcekey [sourcekey ...]{key}",
    handler: pfmerge,
  }),
  command({
    name: "pfdebug",
    arity: 3,
    flags: ["write", "denyoom", "admin"],
    keySpecs: ["RW access index:2"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Internal commands for debugging HyperLogLog values",
    complexity: "N/A",
    docFlags: ["syscmd"],
    syntax: "subcommand key",
    handler: pfdebug,
  }),
  command({
    name: "pfselftest",
    arity: 1,
    flags: ["admin"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "An internal command for testing HyperLogLog values",
    complexity: "N/A",
    docFlags: ["syscmd"],
    handler: pfselftest,
  }),
];
