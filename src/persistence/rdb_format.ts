/**
 * Constants of Redis's RDB file format as Redis 7.0 writes and reads it
 * (RDB version 10): object type bytes, opcodes, and the names used in
 * messages about them.
 *
 * @module
 */

/** The RDB version Redis 7.0 writes (and the newest it, and Rift, can read). */
export const RDB_VERSION = 10;

/** The file starts with `REDIS` and the version as four ASCII digits. */
export const RDB_MAGIC = "REDIS";

/** Object type bytes (`RDB_TYPE_*`). */
export const RdbType = {
  STRING: 0,
  /** A linked list of strings (Redis ≤ 3.0). */
  LIST: 1,
  SET: 2,
  /** Sorted set with scores as strings (Redis ≤ 3.0). */
  ZSET: 3,
  HASH: 4,
  /** Sorted set with binary double scores. */
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  /** Quicklist of ziplists (Redis 3.2 to 6.2). */
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  /** Quicklist of listpacks and plain nodes (Redis 7.0). */
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** Opcodes that precede or separate key entries (`RDB_OPCODE_*`). */
export const RdbOpcode = {
  /** A Redis Functions library (Redis 7.0). */
  FUNCTION2: 245,
  /** A Redis Functions library (7.0 release candidates). */
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  /** LRU idle time of the next key, in seconds. */
  IDLE: 248,
  /** LFU counter of the next key. */
  FREQ: 249,
  /** An auxiliary field: name and value strings. */
  AUX: 250,
  /** Size hints for the current database: keys and keys with an expiry. */
  RESIZEDB: 251,
  /** Absolute expiry of the next key in milliseconds (8 bytes, little endian). */
  EXPIRETIME_MS: 252,
  /** Absolute expiry of the next key in seconds (4 bytes, little endian). */
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** `QUICKLIST_NODE_CONTAINER_*`: how a quicklist node in an RDB_TYPE_LIST_QUICKLIST_2 is stored. */
export const QuicklistContainer = {
  /** One element stored as a plain string (elements of 1 GiB and more). */
  PLAIN: 1,
  /** A listpack of elements. */
  PACKED: 2,
} as const;

/** Names of object types Rift can read but does not implement, for error messages. */
export const UNSUPPORTED_TYPE_NAMES: Record<number, string> = {
  [RdbType.MODULE_PRE_GA]: "module",
  [RdbType.MODULE_2]: "module",
  [RdbType.STREAM_LISTPACKS]: "stream",
  [RdbType.STREAM_LISTPACKS_2]: "stream",
};

/** True for a byte that starts a key entry (an object type Redis 7.0 knows). */
export function isObjectType(byte: number): boolean {
  return (byte >= 0 && byte <= 7) || (byte >= 9 && byte <= 19);
}
