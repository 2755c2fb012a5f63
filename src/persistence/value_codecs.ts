/**
 * Per-type serialisation of values, shared by RDB files, DUMP payloads and
 * AOF rewrites:
 *
 * - a {@link ValueCodec} per Rift type writes a value as an RDB object (type
 *   byte and body, in the encoding Redis 7.0 would use for it) and as the
 *   commands that rebuild it (AOF rewrite without an RDB preamble);
 * - a {@link RdbValueLoader} per RDB object type reads every encoding Redis
 *   may have written (including older ones it still loads) and builds the
 *   value with the encoding Redis would choose when loading it.
 *
 * A new value type slots in by adding its codec to {@link VALUE_CODECS} and
 * its loaders to {@link RDB_LOADERS}.
 *
 * @module
 */

import { RdbFormatError, type RdbReader, type RdbWriter } from "./rdb_encoding.ts";
import { QuicklistContainer, RdbType, UNSUPPORTED_TYPE_NAMES } from "./rdb_format.ts";
import {
  decodeIntset,
  decodeListpack,
  decodeZiplist,
  decodeZipmap,
  encodeIntset,
  encodeListpack,
  LISTPACK_OVERHEAD,
  listpackEntrySize,
} from "./packed_formats.ts";
import { writeCommand, writeVariadic } from "./command_encoding.ts";
import { TYPE_HASH, TYPE_LIST, TYPE_SET, TYPE_STRING, TYPE_ZSET } from "../store/database.ts";
import { type HashLimits, HashValue } from "../store/hash.ts";
import { type SetLimits, SetValue } from "../store/set.ts";
import { ListValue } from "../store/list.ts";
import { type ZSetLimits, ZSetValue } from "../store/zset.ts";
import { doubleToString, formatDouble, parseDoubleText } from "../util/numbers.ts";

/** Options for writing values. */
export interface SaveOptions {
  /** `rdbcompression`: LZF-compress strings longer than 20 bytes when it makes them smaller. */
  readonly compress: boolean;
  /** `list-max-listpack-size`: how lists are cut into quicklist nodes (default -2, 8 KiB). */
  readonly listFill?: number;
}

/** Encoding settings that decide how loaded values are encoded. */
export interface LoadLimits {
  readonly hash: HashLimits;
  readonly set: SetLimits;
  readonly zset: ZSetLimits;
}

/** A value read from an RDB object: its Rift type and the value (bytes for strings). */
export interface LoadedValue {
  type: number;
  value: unknown;
}

/** The data holds a type Rift does not implement (streams, module types). */
export class UnsupportedTypeError extends RdbFormatError {
  override name = "UnsupportedTypeError";
  constructor(readonly typeName: string) {
    super(`Rift does not support the ${typeName} type`);
  }
}

/** Writes values of one Rift type. */
export interface ValueCodec {
  /** The Rift type (`TYPE_*`). */
  readonly type: number;
  /** The RDB object type the value is written as (its encoding decides). */
  rdbType(value: unknown): number;
  /** Writes the value as an RDB object body (what follows the type byte and key). */
  writeRdb(out: RdbWriter, value: unknown, options: SaveOptions): void;
  /** Writes commands that rebuild the value under `key` (the AOF rewrite's format). */
  writeCommands(out: RdbWriter, key: Uint8Array, value: unknown): void;
}

/**
 * Reads the body of one RDB object type. Returns null for an empty
 * collection, which Redis skips when loading.
 */
export type RdbValueLoader = (reader: RdbReader, limits: LoadLimits) => LoadedValue | null;

// ---------------------------------------------------------------- strings

const STRING_CODEC: ValueCodec = {
  type: TYPE_STRING,
  rdbType: () => RdbType.STRING,
  writeRdb(out, value, options) {
    out.string(value as Uint8Array, options.compress);
  },
  writeCommands(out, key, value) {
    writeCommand(out, ["SET", key, value as Uint8Array]);
  },
};

// ------------------------------------------------------------------ lists

/** Listpack sizes allowed per quicklist node for `list-max-listpack-size` -1 to -5. */
const NODE_SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** A node never grows past this when its limit is a count (Redis's SIZE_SAFETY_LIMIT). */
const SIZE_SAFETY_LIMIT = 8192;
/** Redis's SIZE_ESTIMATE_OVERHEAD, added to each element's length when filling a node. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Elements this long get a plain node of their own (Redis's packed_threshold, 1 GiB). */
const PACKED_THRESHOLD = 2 ** 30;

/** Whether a quicklist node may take one more element, as Redis's `_quicklistNodeAllowInsert`. */
function nodeAllows(fill: number, nodeBytes: number, nodeCount: number, length: number): boolean {
  const newSize = nodeBytes + length + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0 && -fill - 1 < NODE_SIZE_LEVELS.length && newSize <= NODE_SIZE_LEVELS[-fill - 1]) {
    return true;
  }
  if (newSize > SIZE_SAFETY_LIMIT) return false;
  return nodeCount < fill;
}

/** Cuts a list into quicklist nodes the way Redis fills them when pushing at the tail. */
function quicklistNodes(list: ListValue, fill: number): { plain: boolean; members: string[] }[] {
  const nodes: { plain: boolean; members: string[] }[] = [];
  let current: string[] | null = null;
  let bytes = 0;
  for (const member of list.values()) {
    if (member.length >= PACKED_THRESHOLD) {
      nodes.push({ plain: true, members: [member] });
      current = null;
      continue;
    }
    if (current === null || !nodeAllows(fill, bytes, current.length, member.length)) {
      current = [];
      bytes = LISTPACK_OVERHEAD;
      nodes.push({ plain: false, members: current });
    }
    current.push(member);
    bytes += listpackEntrySize(member);
  }
  return nodes;
}

const LIST_CODEC: ValueCodec = {
  type: TYPE_LIST,
  rdbType: () => RdbType.LIST_QUICKLIST_2,
  writeRdb(out, value, options) {
    const nodes = quicklistNodes(value as ListValue, options.listFill ?? -2);
    out.len(nodes.length);
    for (const node of nodes) {
      if (node.plain) {
        out.len(QuicklistContainer.PLAIN);
        out.stringLatin1(node.members[0], options.compress);
      } else {
        out.len(QuicklistContainer.PACKED);
        out.string(encodeListpack(node.members), options.compress);
      }
    }
  },
  writeCommands(out, key, value) {
    const list = value as ListValue;
    writeVariadic(out, "RPUSH", key, list.size, 1, list.values());
  },
};

function loadedList(members: string[]): LoadedValue | null {
  if (members.length === 0) return null;
  return { type: TYPE_LIST, value: ListValue.fromArray(members) };
}

function loadLinkedList(reader: RdbReader): LoadedValue | null {
  const n = reader.len();
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(reader.stringLatin1());
  return loadedList(members);
}

/** A quicklist of ziplists (Redis 3.2 to 6.2). */
function loadQuicklist(reader: RdbReader): LoadedValue | null {
  const n = reader.len();
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(...decodeZiplist(reader.string()));
  return loadedList(members);
}

/** A quicklist of listpacks and plain nodes (Redis 7.0). */
function loadQuicklist2(reader: RdbReader): LoadedValue | null {
  const n = reader.len();
  const members: string[] = [];
  for (let i = 0; i < n; i++) {
    const container = reader.len();
    if (container === QuicklistContainer.PLAIN) {
      members.push(reader.stringLatin1());
    } else if (container === QuicklistContainer.PACKED) {
      for (const member of decodeListpack(reader.string())) members.push(member);
    } else {
      throw new RdbFormatError(
        `Quicklist integrity check failed: unknown node container ${container}`,
      );
    }
  }
  return loadedList(members);
}

// ----------------------------------------------------------------- hashes

function* hashArgs(hash: HashValue): Generator<string> {
  for (const [field, value] of hash.entries()) {
    yield field;
    yield value;
  }
}

const HASH_CODEC: ValueCodec = {
  type: TYPE_HASH,
  rdbType: (value) => (value as HashValue).isListpack ? RdbType.HASH_LISTPACK : RdbType.HASH,
  writeRdb(out, value, options) {
    const hash = value as HashValue;
    if (hash.isListpack) {
      out.string(encodeListpack([...hashArgs(hash)]), options.compress);
      return;
    }
    out.len(hash.size);
    for (const [field, v] of hash.entries()) {
      out.stringLatin1(field, options.compress);
      out.stringLatin1(v, options.compress);
    }
  },
  writeCommands(out, key, value) {
    const hash = value as HashValue;
    writeVariadic(out, "HMSET", key, hash.size, 2, hashArgs(hash));
  },
};

/** Pairs of a flat field/value list, refusing duplicates as Redis does. */
function pairs(flat: string[], what: string): [string, string][] {
  if (flat.length % 2 !== 0) throw new RdbFormatError(`Corrupt ${what}: odd number of elements`);
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < flat.length; i += 2) {
    if (seen.has(flat[i])) throw new RdbFormatError(`Duplicate hash fields detected in ${what}`);
    seen.add(flat[i]);
    out.push([flat[i], flat[i + 1]]);
  }
  return out;
}

function loadedHash(entries: [string, string][], limits: HashLimits): LoadedValue | null {
  if (entries.length === 0) return null;
  return { type: TYPE_HASH, value: HashValue.fromEntries(entries, limits) };
}

/**
 * Redis keeps a loaded listpack or ziplist hash packed unless it has too
 * many fields: value sizes are not checked (they are for zipmaps and hash
 * tables).
 */
function listpackLimits(limits: HashLimits): HashLimits {
  return { maxListpackEntries: limits.maxListpackEntries, maxListpackValue: Infinity };
}

function loadHashTable(reader: RdbReader, limits: LoadLimits): LoadedValue | null {
  const n = reader.len();
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const field = reader.stringLatin1();
    const value = reader.stringLatin1();
    if (seen.has(field)) throw new RdbFormatError("Duplicate hash fields detected");
    seen.add(field);
    entries.push([field, value]);
  }
  return loadedHash(entries, limits.hash);
}

// ------------------------------------------------------------------- sets

const SET_CODEC: ValueCodec = {
  type: TYPE_SET,
  rdbType: (value) => (value as SetValue).isIntset ? RdbType.SET_INTSET : RdbType.SET,
  writeRdb(out, value, options) {
    const set = value as SetValue;
    if (set.isIntset) {
      out.string(encodeIntset([...set.members()]), options.compress);
      return;
    }
    out.len(set.size);
    for (const member of set.members()) out.stringLatin1(member, options.compress);
  },
  writeCommands(out, key, value) {
    const set = value as SetValue;
    writeVariadic(out, "SADD", key, set.size, 1, set.members());
  },
};

function loadedSet(members: string[], limits: SetLimits): LoadedValue | null {
  if (members.length === 0) return null;
  const set = SetValue.fromMembers(members, limits);
  if (set.size !== members.length) throw new RdbFormatError("Duplicate set members detected");
  return { type: TYPE_SET, value: set };
}

function loadSetTable(reader: RdbReader, limits: LoadLimits): LoadedValue | null {
  const n = reader.len();
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(reader.stringLatin1());
  return loadedSet(members, limits.set);
}

// ------------------------------------------------------------ sorted sets

/** Members and scores in ascending order, as a listpack stores them (scores as Redis's d2string). */
function zsetPairs(zset: ZSetValue): string[] {
  const out: string[] = [];
  zset.forEach((member, score) => out.push(member, doubleToString(score)));
  return out;
}

const ZSET_CODEC: ValueCodec = {
  type: TYPE_ZSET,
  rdbType: (value) => (value as ZSetValue).isListpack ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2,
  writeRdb(out, value, options) {
    const zset = value as ZSetValue;
    if (zset.isListpack) {
      out.string(encodeListpack(zsetPairs(zset)), options.compress);
      return;
    }
    out.len(zset.size);
    // Redis writes a skiplist from the greatest element down (its loader then inserts at the head).
    zset.walk(zset.size - 1, true, (member, score) => {
      out.stringLatin1(member, options.compress);
      out.doubleBinary(score);
      return true;
    });
  },
  writeCommands(out, key, value) {
    const zset = value as ZSetValue;
    const args: string[] = [];
    zset.forEach((member, score) => args.push(formatDouble(score), member));
    writeVariadic(out, "ZADD", key, zset.size, 2, args);
  },
};

function loadedZset(members: string[], scores: number[], limits: ZSetLimits): LoadedValue | null {
  if (members.length === 0) return null;
  if (scores.some(Number.isNaN)) throw new RdbFormatError("Zset with NAN score detected");
  if (new Set(members).size !== members.length) {
    throw new RdbFormatError("Duplicate zset fields detected");
  }
  return { type: TYPE_ZSET, value: ZSetValue.fromEntries(members, scores, limits) };
}

/** A sorted set as member/score pairs: string scores (`ZSET`) or binary doubles (`ZSET_2`). */
function loadZsetPairs(reader: RdbReader, limits: LoadLimits, binary: boolean): LoadedValue | null {
  const n = reader.len();
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push(reader.stringLatin1());
    scores.push(binary ? reader.doubleBinary() : reader.doubleString());
  }
  return loadedZset(members, scores, limits.zset);
}

/** A listpack or ziplist of member, score, member, score... Redis keeps it packed unless too long. */
function loadPackedZset(flat: string[], limits: LoadLimits, what: string): LoadedValue | null {
  if (flat.length % 2 !== 0) throw new RdbFormatError(`Corrupt ${what}: odd number of elements`);
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push(flat[i]);
    scores.push(parseDoubleText(flat[i + 1]));
  }
  const countOnly = {
    maxListpackEntries: limits.zset.maxListpackEntries,
    maxListpackValue: Infinity,
  };
  return loadedZset(members, scores, countOnly);
}

// --------------------------------------------------------------- registry

/** Codecs by Rift type (`TYPE_*`). */
export const VALUE_CODECS: ReadonlyMap<number, ValueCodec> = new Map(
  [STRING_CODEC, LIST_CODEC, HASH_CODEC, SET_CODEC, ZSET_CODEC].map((codec) => [codec.type, codec]),
);

function unsupported(type: number): RdbValueLoader {
  return () => {
    throw new UnsupportedTypeError(UNSUPPORTED_TYPE_NAMES[type]);
  };
}

/** Loaders by RDB object type byte. */
export const RDB_LOADERS: ReadonlyMap<number, RdbValueLoader> = new Map<number, RdbValueLoader>([
  [RdbType.STRING, (r) => ({ type: TYPE_STRING, value: r.string() })],
  [RdbType.LIST, loadLinkedList],
  [RdbType.LIST_ZIPLIST, (r) => loadedList(decodeZiplist(r.string()))],
  [RdbType.LIST_QUICKLIST, loadQuicklist],
  [RdbType.LIST_QUICKLIST_2, loadQuicklist2],
  [RdbType.SET, loadSetTable],
  [RdbType.SET_INTSET, (r, l) => loadedSet(decodeIntset(r.string()), l.set)],
  [RdbType.HASH, loadHashTable],
  [RdbType.HASH_ZIPMAP, (r, l) => loadedHash(decodeZipmap(r.string()), l.hash)],
  [
    RdbType.HASH_ZIPLIST,
    (r, l) => loadedHash(pairs(decodeZiplist(r.string()), "ziplist"), listpackLimits(l.hash)),
  ],
  [
    RdbType.HASH_LISTPACK,
    (r, l) => loadedHash(pairs(decodeListpack(r.string()), "listpack"), listpackLimits(l.hash)),
  ],
  [RdbType.ZSET, (r, l) => loadZsetPairs(r, l, false)],
  [RdbType.ZSET_2, (r, l) => loadZsetPairs(r, l, true)],
  [RdbType.ZSET_ZIPLIST, (r, l) => loadPackedZset(decodeZiplist(r.string()), l, "ziplist")],
  [RdbType.ZSET_LISTPACK, (r, l) => loadPackedZset(decodeListpack(r.string()), l, "listpack")],
  [RdbType.MODULE_PRE_GA, unsupported(RdbType.MODULE_PRE_GA)],
  [RdbType.MODULE_2, unsupported(RdbType.MODULE_2)],
  [RdbType.STREAM_LISTPACKS, unsupported(RdbType.STREAM_LISTPACKS)],
  [RdbType.STREAM_LISTPACKS_2, unsupported(RdbType.STREAM_LISTPACKS_2)],
]);

/** The codec for a Rift type; throws for a type with none (a programming error). */
export function codecFor(type: number): ValueCodec {
  const codec = VALUE_CODECS.get(type);
  if (codec === undefined) throw new Error(`No serialiser for value type ${type}`);
  return codec;
}

/** Reads the body of an object of RDB type `rdbType`. */
export function loadValue(
  reader: RdbReader,
  rdbType: number,
  limits: LoadLimits,
): LoadedValue | null {
  const loader = RDB_LOADERS.get(rdbType);
  if (loader === undefined) throw new RdbFormatError(`Unknown RDB object type ${rdbType}`);
  return loader(reader, limits);
}
