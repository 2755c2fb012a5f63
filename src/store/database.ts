/**
 * One Redis database: a hash table from binary keys to typed values with
 * millisecond expiry, built on typed arrays and the {@link Slab} instead of
 * one JS object per key (see docs/adr/0002-keyspace-representation.md).
 *
 * Every key is an *entry* with a number. Per-entry data lives in one
 * fixed-size record of a typed-array table; the key bytes (and a small string value) live in one slab
 * record `[varint keyLen][varint valueLen][key][value]`; collections and
 * large strings live in an {@link ObjectColumn} by entry number. Entry numbers are stable while the
 * key exists, so a handler can look a key up once and use the number.
 *
 * Views returned by {@link Database.keyView} and
 * {@link Database.stringView} point into shared memory: use them before the
 * next write to the store, or copy them.
 *
 * @module
 */

import { hashBytes } from "../util/bytes.ts";
import { globMatchRange } from "../util/glob.ts";
import { rehashBuckets, scanBuckets } from "./incremental_rehash.ts";
import { ReservedRegion } from "./reserved_memory.ts";
import { Slab } from "./slab.ts";
import { LFU_INIT_VAL, lfuDecay, lfuLogIncrement } from "./lfu.ts";
import { ObjectColumn } from "./object_column.ts";

/** Value types, numbered as Redis's `OBJ_*` constants. */
export const TYPE_STRING = 0;
/** A list value. */
export const TYPE_LIST = 1;
/** A set value. */
export const TYPE_SET = 2;
/** A sorted set value. */
export const TYPE_ZSET = 3;
/** A hash value. */
export const TYPE_HASH = 4;
/** A stream value. */
export const TYPE_STREAM = 6;

/** Names as `TYPE` reports them. */
export const TYPE_NAMES: Record<number, string> = {
  [TYPE_STRING]: "string",
  [TYPE_LIST]: "list",
  [TYPE_SET]: "set",
  [TYPE_ZSET]: "zset",
  [TYPE_HASH]: "hash",
  [TYPE_STREAM]: "stream",
};

/**
 * How Redis would have encoded a string value, which depends on the value's
 * history and not only on its bytes (see string_encoding.ts).
 */
export const StringForm = {
  /** Stored as `SET` stores it: `int` (shared for 0..9999), `embstr` or `raw` by content. */
  AUTO: 0,
  /** Modified in place (APPEND, SETRANGE, SETBIT...): always `raw`. */
  RAW: 1,
  /** Created without integer encoding (INCRBYFLOAT): `embstr` up to 44 bytes, else `raw`. */
  PLAIN: 2,
  /** Like AUTO, but an integer is a private object, never the shared one (COPY). */
  UNSHARED: 3,
} as const;

/** One of the {@link StringForm} values. */
export type StringFormValue = typeof StringForm[keyof typeof StringForm];

const KIND_TYPE_MASK = 0x07;
/** Two bits holding the {@link StringForm} of a string entry. */
const KIND_FORM_SHIFT = 3;
const KIND_FORM_MASK = 0x03 << KIND_FORM_SHIFT;
/** Set on every live entry, so a free entry (kind 0) is recognisable. */
const KIND_LIVE = 0x80;
/** The string value sits in the slab record after the key. */
const KIND_INLINE = 0x20;
/** The string was modified in place: {@link StringForm.RAW}. */
const KIND_RAW = StringForm.RAW << KIND_FORM_SHIFT;
/** The entry table is released when the database empties and has room for more than this. */
const RELEASE_TABLE_ABOVE = 1024;
/** Expiry times above this are kept exactly in a side table (the column is a float). */
const EXACT_EXPIRE_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Each entry's fixed-size data sits in one 32-byte record of the entry
 * table, so a lookup touches one cache line for it instead of one per
 * column (a lookup in a large database misses the cache for each; with
 * separate columns that was six misses per key, now three: the bucket, the
 * record and the key bytes in the slab). Layout, in bytes:
 * 0 hash · 4 next entry in the bucket chain · 8 slab record handle ·
 * 12 position in the volatile list (-1 = none) · 16 last access (LRU clock
 * seconds) · 20 kind · 21 LFU counter · 24 expiry (ms, float64).
 */
const ENTRY_BYTES = 32;
// Indexes within a record for each view: Int32 (id << 3), Uint32 (id << 3),
// Uint8 (id << 5), Float64 (id << 2).
const HASH = 0;
const NEXT = 1;
const REF = 2;
const VOLATILE_POS = 3;
const ACCESS = 4;
const KIND_BYTE = 20;
const LFU_BYTE = 21;
const EXPIRE = 3;

/**
 * Entry numbers stay below this: an entry's first Int32 index (`id << 3`)
 * must be a non-negative 32-bit integer.
 */
const MAX_ENTRIES = 2 ** 28;
/**
 * An entry table for more entries than this grows in reserved address space
 * without copying (see reserved_memory.ts); a smaller one is copied into a
 * buffer half as large again (2 MB at most, well under a millisecond).
 */
const RESERVE_TABLE_ABOVE = 65536;

/** String values up to this size are stored inline in the slab. */
const INLINE_VALUE_MAX = 4096;
const MIN_BUCKETS = 16;
/** Tables of fewer keys than this are resized at once (well under a millisecond). */
const REHASH_AT_ONCE_BELOW = 65536;
/** Old buckets a write moves while a resize is in progress (Redis moves one). */
const REHASH_STEP_BUCKETS = 4;
/** Old buckets moved between clock reads when the cron rehashes. */
const REHASH_CRON_STEP = 256;
/** Lookups remembered by key object (a power of two; MSET's usual ten keys fit). */
const MEMO_SIZE = 16;
/** Keys {@link Database.prefetch} warms at most (later ones would evict the first). */
const PREFETCH_MAX = 64;
/** Largest buffer a remembered key object may view (see {@link Database.findRaw}). */
const MEMO_MAX_BUFFER = 256 * 1024;

/** What a database needs from its surroundings. */
export interface StoreEnv {
  /** The shared slab for key records. */
  readonly slab: Slab;
  /** Current time in ms, fixed for the duration of one command like Redis's `mstime` cache. */
  now: number;
  /** LRU clock in seconds (for `OBJECT IDLETIME` and eviction). */
  lruClock: number;
  /** Called with a copy of the key just before an expired key is removed. */
  onExpired(db: Database, key: Uint8Array): void;
  /** Called when a key is added (Redis's `dbAdd`: keyspace `new` events). */
  onCreated?(db: Database, key: Uint8Array): void;
  /** True while keys must not be expired (loading, replaying). */
  expiryPaused: boolean;
  /** Told about entries leaving the store (memory accounting), or null. */
  readonly storeObserver: StoreObserver | null;
  /**
   * Counts the times a string value outside the slab (too long for it) was
   * stored, grown in place or moved to another entry. Without a memory
   * limit, memory accounting measures only such strings, so it re-measures
   * the keys a command wrote only when this changed: strings that fit the
   * slab are counted in the slab itself.
   */
  outsideWrites: number;
  /** An LFU `maxmemory-policy` is active: accesses update the LFU counter. */
  lfuPolicy?: boolean;
  /** `lfu-log-factor` (default 10). */
  lfuLogFactor?: number;
  /** `lfu-decay-time` in minutes (default 1). */
  lfuDecayTime?: number;
  /**
   * `maxmemory` is set with an LRU/LFU policy: Redis then stops sharing
   * small integer objects, so new strings are stored as {@link StringForm.UNSHARED}.
   */
  noSharedIntegers?: boolean;
}

/** Hears about changes the store makes in bulk or on its own (expiry, FLUSHDB, SWAPDB). */
export interface StoreObserver {
  /**
   * An entry's value object is about to go: the entry is being deleted, or
   * its value replaced (the old value is still readable).
   */
  valueDropped(db: Database, id: number): void;
  /** Every entry of `db` was just removed. */
  cleared(db: Database): void;
  /** Two databases just exchanged their contents. */
  swapped(a: Database, b: Database): void;
}

/**
 * Sees entries before they change while a background snapshot runs (see
 * docs/adr/0003-persistence-without-fork.md): the snapshot writes an entry
 * out the first time it is looked up or removed, so the file keeps the
 * value the entry had when the snapshot began.
 */
export interface EntryGuard {
  /** An entry was found by a lookup (which may go on to change it), or is being deleted. */
  beforeAccess(db: Database, id: number): void;
  /** Every entry is about to be removed (FLUSHDB, FLUSHALL). */
  beforeClear(db: Database): void;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Uint8Array, off: number, n: number): number {
  while (n >= 0x80) {
    buf[off++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[off++] = n;
  return off;
}

/** A database of the keyspace. */
export class Database {
  /** Position of this database (`SELECT` index). */
  readonly index: number;
  private readonly env: StoreEnv;
  private readonly slab: Slab;

  // The entry table: one 32-byte record per entry (see ENTRY_BYTES), read
  // through four views of the same memory.
  private ints = new Int32Array(0);
  private uints = new Uint32Array(0);
  private bytes = new Uint8Array(0);
  private floats = new Float64Array(0);
  /** Entries the table has room for. */
  private capacity = 0;
  /** Address space for a large entry table, once one was needed (null: not yet, or unavailable). */
  private reserved: ReservedRegion | null = null;
  /** Per entry: its value when it lives outside the slab, else undefined. */
  private objects = new ObjectColumn();
  /** Set while a background snapshot runs; the only cost otherwise is this null check. */
  guard: EntryGuard | null = null;

  private freeIds: number[] = [];
  private highWater = 0;
  /** Per bucket, 1 + the first entry of its chain (0: empty, so a new table needs no filling). */
  private buckets = new Int32Array(MIN_BUCKETS);
  private mask = MIN_BUCKETS - 1;
  /**
   * While the hash table is being resized, the previous one: its buckets
   * move to {@link buckets} a few at a time (on writes and in the cron), as
   * Redis rehashes, so a big keyspace never stops for a whole resize. An
   * entry whose bucket in it is at or past {@link rehashIndex} is still
   * there; every other entry is in {@link buckets}.
   */
  private oldBuckets: Int32Array | null = null;
  private oldMask = 0;
  private rehashIndex = 0;
  private count = 0;
  private volatileIds = new Int32Array(0);
  private volatileCount = 0;
  /** Exact expiry of entries whose time exceeds 2^53 ms (the column holds it rounded). */
  private exactExpires = new Map<number, bigint>();

  /** Hash computed by the last {@link findRaw}, reused when the key is then created. */
  private lastHash = 0;
  // Scratch for decoding a record header.
  private recKeyOff = 0;
  private recKeyLen = 0;
  private recValLen = 0;

  constructor(index: number, env: StoreEnv) {
    this.index = index;
    this.env = env;
    this.slab = env.slab;
  }

  /** Number of keys (including expired keys not yet reclaimed). */
  get size(): number {
    return this.count;
  }

  /** Number of keys with an expiry. */
  get expiresCount(): number {
    return this.volatileCount;
  }

  // ---------------------------------------------------------------- records

  /** Decodes the header of an entry's record into the scratch fields. */
  private decode(id: number): Uint8Array {
    const ref = this.ints[(id << 3) + REF];
    const page = this.slab.page(ref);
    let off = this.slab.offset(ref);
    let klen = 0;
    let shift = 1;
    let b: number;
    do {
      b = page[off++];
      klen += (b & 0x7f) * shift;
      shift *= 128;
    } while (b & 0x80);
    let vlen = 0;
    shift = 1;
    do {
      b = page[off++];
      vlen += (b & 0x7f) * shift;
      shift *= 128;
    } while (b & 0x80);
    this.recKeyOff = off;
    this.recKeyLen = klen;
    this.recValLen = vlen;
    return page;
  }

  /** Allocates a record holding `key` and an inline value of `valueLen` bytes. */
  private allocRecord(key: Uint8Array, valueLen: number): number {
    const klen = key.length;
    const size = varintSize(klen) + varintSize(valueLen) + klen + valueLen;
    const ref = this.slab.alloc(size);
    const page = this.slab.page(ref);
    let off = this.slab.offset(ref);
    off = writeVarint(page, off, klen);
    off = writeVarint(page, off, valueLen);
    if (klen < 32) {
      for (let i = 0; i < klen; i++) page[off + i] = key[i];
    } else {
      page.set(key, off);
    }
    return ref;
  }

  /** Byte offset of an entry's inline value (after {@link decode}). */
  private valueOffset(): number {
    return this.recKeyOff + this.recKeyLen;
  }

  private keyEquals(id: number, key: Uint8Array): boolean {
    const page = this.decode(id);
    const n = key.length;
    if (this.recKeyLen !== n) return false;
    const off = this.recKeyOff;
    for (let i = 0; i < n; i++) if (page[off + i] !== key[i]) return false;
    return true;
  }

  // ----------------------------------------------------------------- lookup

  /** Finds a key without looking at its expiry. Returns the entry or -1. */
  findRaw(key: Uint8Array): number {
    // A command looks each key up several times (the handler, the store when
    // it writes, memory accounting after it): an argument object found
    // recently skips hashing and the chain walk. The entry's stored key is
    // still compared, so a reused or changed buffer can never give a wrong entry.
    const memoKeys = this.memoKeys;
    for (let i = 0; i < MEMO_SIZE; i++) {
      if (memoKeys[i] !== key) continue;
      const id = this.memoIds[i];
      if (
        id < this.highWater && this.bytes[(id << 5) + KIND_BYTE] !== 0 && this.keyEquals(id, key)
      ) {
        this.lastHash = this.ints[(id << 3) + HASH];
        // A snapshot in progress must hear of every access, remembered or not.
        if (this.guard !== null) this.guard.beforeAccess(this, id);
        return id;
      }
      break;
    }
    const h = hashBytes(key);
    this.lastHash = h;
    let id = this.chainOf(h);
    while (id >= 0) {
      if (this.ints[(id << 3) + HASH] === h && this.keyEquals(id, key)) {
        // Remembering a view keeps its whole buffer alive: only small ones
        // (a connection's pooled receive buffer, a slab page) are remembered.
        if (key.buffer.byteLength <= MEMO_MAX_BUFFER) {
          const slot = this.memoNext;
          memoKeys[slot] = key;
          this.memoIds[slot] = id;
          this.memoNext = (slot + 1) & (MEMO_SIZE - 1);
        }
        if (this.guard !== null) this.guard.beforeAccess(this, id);
        return id;
      }
      id = this.ints[(id << 3) + NEXT];
    }
    return -1;
  }

  /**
   * Warms the CPU caches for the keys `argv[first]`, `argv[first + step]`...
   * up to `argv[last]` (negative: counted from the end) before a command
   * looks them up one by one. A lookup in a large database waits on three
   * dependent cache misses (bucket, entry record, key bytes); done key after
   * key, a ten-key MSET waits on thirty in a row. Here each step loads that
   * level for every key before going one level deeper, so the misses of
   * different keys are in flight together. Only reads; changes nothing.
   */
  prefetch(argv: readonly Uint8Array[], first: number, last: number, step: number): void {
    const end = Math.min(last < 0 ? argv.length + last : last, argv.length - 1);
    const ids = this.prefetchIds;
    const hashes = this.prefetchHashes;
    let n = 0;
    for (let i = first; i <= end && n < PREFETCH_MAX; i += step) {
      const h = hashBytes(argv[i]);
      hashes[n] = h;
      ids[n++] = this.chainOf(h);
    }
    // One hop along each chain whose first entry is another key.
    const ints = this.ints;
    for (let j = 0; j < n; j++) {
      const id = ids[j];
      if (id >= 0 && ints[(id << 3) + HASH] !== hashes[j]) ids[j] = ints[(id << 3) + NEXT];
    }
    const slab = this.slab;
    let sink = 0;
    for (let j = 0; j < n; j++) {
      const id = ids[j];
      if (id >= 0) {
        const ref = ints[(id << 3) + REF];
        sink += slab.page(ref)[slab.offset(ref)];
      }
    }
    // Kept so the compiler cannot drop the loads as unused.
    this.prefetchSink = sink;
  }

  private readonly prefetchIds = new Int32Array(PREFETCH_MAX);
  private readonly prefetchHashes = new Int32Array(PREFETCH_MAX);
  private prefetchSink = 0;

  /** Key objects recently found by {@link findRaw} (a ring), and their entries. */
  private readonly memoKeys: (Uint8Array | null)[] = new Array(MEMO_SIZE).fill(null);
  private readonly memoIds = new Int32Array(MEMO_SIZE);
  private memoNext = 0;

  /**
   * Finds a live key: an expired key is removed on the spot (lazy expiry)
   * and reported missing. Returns the entry or -1.
   */
  find(key: Uint8Array): number {
    const id = this.findRaw(key);
    // Without volatile keys the expiry column is not read at all (a cache miss per lookup).
    if (id < 0 || this.volatileCount === 0) return id;
    const at = this.floats[(id << 2) + EXPIRE];
    if (at !== 0 && at < this.env.now && !this.env.expiryPaused) {
      this.expireEntry(id);
      return -1;
    }
    return id;
  }

  /** True when the entry's expiry time has passed (Redis: `now > when`, strictly). */
  isExpired(id: number): boolean {
    const at = this.floats[(id << 2) + EXPIRE];
    return at !== 0 && at < this.env.now;
  }

  /** Removes an expired entry, telling the environment first. */
  expireEntry(id: number): void {
    const hash = this.lastHash;
    this.env.onExpired(this, this.keyCopy(id));
    this.deleteEntry(id);
    this.lastHash = hash;
  }

  /**
   * Marks an entry as accessed now: the LRU time, and under an LFU policy
   * the logarithmic access counter too (Redis's `updateLFU`).
   */
  touch(id: number): void {
    const env = this.env;
    if (env.lfuPolicy) {
      this.bytes[(id << 5) + LFU_BYTE] = lfuLogIncrement(
        this.frequency(id),
        env.lfuLogFactor ?? 10,
      );
    }
    this.uints[(id << 3) + ACCESS] = env.lruClock;
  }

  /**
   * The LFU counter of an entry after decay for the minutes since its last
   * access (`OBJECT FREQ`, Redis's `LFUDecrAndReturn`). Does not update it.
   */
  frequency(id: number): number {
    const elapsed = Math.floor(this.env.lruClock / 60) -
      Math.floor(this.uints[(id << 3) + ACCESS] / 60);
    return lfuDecay(
      this.bytes[(id << 5) + LFU_BYTE],
      Math.max(0, elapsed),
      this.env.lfuDecayTime ?? 1,
    );
  }

  /** Last access, in LRU-clock seconds. */
  accessTime(id: number): number {
    return this.uints[(id << 3) + ACCESS];
  }

  /** Sets the last access (RESTORE IDLETIME, loading a dataset). */
  setAccessTime(id: number, lruSeconds: number): void {
    this.uints[(id << 3) + ACCESS] = lruSeconds;
  }

  /** Sets the logarithmic access counter without decay (RESTORE FREQ, loading a dataset). */
  setFrequency(id: number, counter: number): void {
    this.bytes[(id << 5) + LFU_BYTE] = counter;
  }

  /** Seconds since the entry was last accessed (`OBJECT IDLETIME`). */
  idleSeconds(id: number): number {
    return Math.max(0, this.env.lruClock - this.uints[(id << 3) + ACCESS]);
  }

  /** The type of an entry (`TYPE_*`). */
  typeOf(id: number): number {
    return this.bytes[(id << 5) + KIND_BYTE] & KIND_TYPE_MASK;
  }

  /** True when a string entry was modified in place (reported as `raw`). */
  isRawString(id: number): boolean {
    return (this.bytes[(id << 5) + KIND_BYTE] & KIND_FORM_MASK) === KIND_RAW;
  }

  /** The {@link StringForm} of a string entry. */
  stringForm(id: number): StringFormValue {
    return ((this.bytes[(id << 5) + KIND_BYTE] & KIND_FORM_MASK) >>
      KIND_FORM_SHIFT) as StringFormValue;
  }

  /**
   * Records how Redis would have encoded a string entry's current value.
   * Writers that do not store a value the way `SET` does call this after
   * writing it: INCRBYFLOAT ({@link StringForm.PLAIN}), BITOP or PFADD
   * ({@link StringForm.RAW}). Every `setString` resets the form.
   */
  setStringForm(id: number, form: StringFormValue): void {
    this.bytes[(id << 5) + KIND_BYTE] = (this.bytes[(id << 5) + KIND_BYTE] & ~KIND_FORM_MASK) |
      (form << KIND_FORM_SHIFT);
  }

  /** A view of the key bytes (valid until the next write). */
  keyView(id: number): Uint8Array {
    const page = this.decode(id);
    return page.subarray(this.recKeyOff, this.recKeyOff + this.recKeyLen);
  }

  /** True when the key of entry `id` matches a glob pattern, matched where it is stored. */
  keyMatches(id: number, pattern: Uint8Array): boolean {
    const page = this.decode(id);
    return globMatchRange(pattern, page, this.recKeyOff, this.recKeyOff + this.recKeyLen);
  }

  /** A copy of the key bytes. */
  keyCopy(id: number): Uint8Array {
    return this.keyView(id).slice();
  }

  /** Length of a string entry's value. */
  stringLength(id: number): number {
    if (this.bytes[(id << 5) + KIND_BYTE] & KIND_INLINE) {
      this.decode(id);
      return this.recValLen;
    }
    return (this.objects.get(id) as Uint8Array).length;
  }

  /** A view of a string entry's value (valid until the next write). */
  stringView(id: number): Uint8Array {
    if (this.bytes[(id << 5) + KIND_BYTE] & KIND_INLINE) {
      const page = this.decode(id);
      const off = this.valueOffset();
      return page.subarray(off, off + this.recValLen);
    }
    return this.objects.get(id) as Uint8Array;
  }

  /** Location of an inline value: the page, with offset/length in {@link lastOffset}/{@link lastLength}. */
  stringSource(id: number): Uint8Array {
    if (this.bytes[(id << 5) + KIND_BYTE] & KIND_INLINE) {
      const page = this.decode(id);
      this.lastOffset = this.valueOffset();
      this.lastLength = this.recValLen;
      return page;
    }
    const v = this.objects.get(id) as Uint8Array;
    this.lastOffset = 0;
    this.lastLength = v.length;
    return v;
  }

  /**
   * True when the last {@link setString} created its key (false: it replaced
   * a live value), so a caller need not look the key up beforehand.
   */
  lastSetCreated = false;

  /** Offset set by {@link stringSource}. */
  lastOffset = 0;
  /** Length set by {@link stringSource}. */
  lastLength = 0;

  /** The object of a collection entry (list, hash, set, zset). */
  object<T>(id: number): T {
    return this.objects.get(id) as T;
  }

  // ---------------------------------------------------------------- writing

  /** Creates an entry for a key whose hash is `h` (the key bytes go in a record next). */
  private newEntry(h: number): number {
    if (this.oldBuckets !== null) this.rehashStep(REHASH_STEP_BUCKETS);
    else if (this.count >= this.buckets.length) this.resize(this.buckets.length * 2);
    let id: number;
    if (this.freeIds.length > 0) {
      id = this.freeIds.pop()!;
    } else {
      id = this.highWater++;
      if (id >= this.capacity) this.growEntries();
    }
    this.ints[(id << 3) + HASH] = h;
    this.link(id, h);
    this.floats[(id << 2) + EXPIRE] = 0;
    this.ints[(id << 3) + VOLATILE_POS] = -1;
    this.uints[(id << 3) + ACCESS] = this.env.lruClock;
    this.bytes[(id << 5) + LFU_BYTE] = LFU_INIT_VAL;
    this.count++;
    return id;
  }

  /**
   * Releases whatever value storage an entry holds, keeping the key: returns
   * it in a scratch buffer, valid until the next call, for the caller to
   * store again at once (a new small typed array per call would cost a
   * malloc and a free in Deno).
   */
  private dropValue(id: number): Uint8Array {
    const key = copyToScratch(this.keyView(id), KEY_SCRATCH);
    this.slab.free(this.ints[(id << 3) + REF]);
    this.objects.delete(id);
    return key;
  }

  /**
   * Sets a string value, creating the key or overwriting any value of any
   * type. The TTL is cleared unless `keepTtl`. The value's form becomes
   * {@link StringForm.AUTO} (UNSHARED when shared integers are off).
   * Returns the entry.
   */
  setString(key: Uint8Array, value: Uint8Array, keepTtl = false): number {
    const found = this.find(key);
    this.lastSetCreated = found < 0;
    if (found >= 0) {
      this.overwriteString(found, value, keepTtl);
      return found;
    }
    const inline = value.length <= INLINE_VALUE_MAX;
    const id = this.newEntry(this.lastHash);
    this.ints[(id << 3) + REF] = this.allocRecord(key, inline ? value.length : 0);
    this.storeString(id, value, inline);
    this.env.onCreated?.(this, key);
    return id;
  }

  /**
   * Replaces the value of an existing entry (found by the caller, so the key
   * is not looked up again) with a string, as {@link setString} does.
   */
  overwriteString(id: number, value: Uint8Array, keepTtl = false): void {
    const inline = value.length <= INLINE_VALUE_MAX;
    if (!keepTtl && this.floats[(id << 2) + EXPIRE] !== 0) this.setExpire(id, 0);
    this.replacedValue(id);
    // A value leaving the JS heap for the slab: its outside-the-slab size is gone.
    if (this.objects.get(id) !== undefined) this.env.storeObserver?.valueDropped(this, id);
    const page = this.decode(id);
    const klen = this.recKeyLen;
    const vlen = inline ? value.length : 0;
    const need = varintSize(klen) + varintSize(vlen) + klen + vlen;
    const ref = this.ints[(id << 3) + REF];
    const cap = this.slab.capacity(ref);
    if (need <= cap && need * 2 > cap) {
      // Same slot: move the key first if the header size changes (a longer
      // value-length varint would overwrite its first byte), then rewrite
      // the value length.
      const start = this.slab.offset(ref);
      const oldKeyOff = this.recKeyOff;
      const newKeyOff = start + varintSize(klen) + varintSize(vlen);
      if (newKeyOff !== oldKeyOff) page.copyWithin(newKeyOff, oldKeyOff, oldKeyOff + klen);
      writeVarint(page, start + varintSize(klen), vlen);
      this.objects.delete(id);
    } else {
      const k = this.dropValue(id);
      this.ints[(id << 3) + REF] = this.allocRecord(k, vlen);
    }
    this.storeString(id, value, inline);
  }

  /** Writes a string value into an entry whose record is sized for it. */
  private storeString(id: number, value: Uint8Array, inline: boolean): void {
    const form = this.env.noSharedIntegers ? StringForm.UNSHARED << KIND_FORM_SHIFT : 0;
    if (inline) {
      this.bytes[(id << 5) + KIND_BYTE] = KIND_LIVE | TYPE_STRING | KIND_INLINE | form;
      const page = this.decode(id);
      const off = this.valueOffset();
      const n = value.length;
      if (n < 32) {
        for (let i = 0; i < n; i++) page[off + i] = value[i];
      } else {
        page.set(value, off);
      }
    } else {
      this.bytes[(id << 5) + KIND_BYTE] = KIND_LIVE | TYPE_STRING | form;
      this.objects.set(id, value.slice());
      this.env.outsideWrites++;
    }
  }

  /**
   * A key got a new value object. Redis creates it with a fresh LRU time,
   * but under an LFU policy it inherits the old object's counter.
   */
  private replacedValue(id: number): void {
    if (!this.env.lfuPolicy) this.uints[(id << 3) + ACCESS] = this.env.lruClock;
  }

  /**
   * Stores a collection object (or replaces the value of an existing key
   * with it). The TTL is cleared unless `keepTtl`. Returns the entry.
   */
  setObject(key: Uint8Array, type: number, value: unknown, keepTtl = false): number {
    let id = this.find(key);
    const created = id < 0;
    if (created) {
      id = this.newEntry(this.lastHash);
      this.ints[(id << 3) + REF] = this.allocRecord(key, 0);
    } else {
      if (!keepTtl) this.setExpire(id, 0);
      this.replacedValue(id);
      // The old value's outside-the-slab size goes with it; the new value is
      // measured after the command (a collection only under a memory limit).
      if (this.objects.get(id) !== undefined) this.env.storeObserver?.valueDropped(this, id);
      if (this.bytes[(id << 5) + KIND_BYTE] & KIND_INLINE) {
        const k = this.dropValue(id);
        this.ints[(id << 3) + REF] = this.allocRecord(k, 0);
      }
    }
    this.bytes[(id << 5) + KIND_BYTE] = KIND_LIVE | type;
    this.objects.set(id, value);
    if (created) this.env.onCreated?.(this, key);
    return id;
  }

  /**
   * Grows a string entry to at least `minLength` bytes (zero-filled) and
   * returns a writable view of the whole value. The entry is marked `raw`,
   * as Redis does for in-place modification (SETRANGE, SETBIT, APPEND).
   */
  writableString(id: number, minLength: number): Uint8Array {
    const current = this.stringLength(id);
    const length = Math.max(current, minLength);
    if (length <= INLINE_VALUE_MAX && this.bytes[(id << 5) + KIND_BYTE] & KIND_INLINE) {
      if (length !== current) {
        const old = copyToScratch(this.stringView(id), VALUE_SCRATCH);
        const key = this.dropValue(id);
        this.ints[(id << 3) + REF] = this.allocRecord(key, length);
        const page = this.decode(id);
        const off = this.valueOffset();
        page.set(old, off);
        page.fill(0, off + old.length, off + length);
      }
      this.bytes[(id << 5) + KIND_BYTE] = KIND_LIVE | TYPE_STRING | KIND_INLINE | KIND_RAW;
      return this.stringView(id);
    }
    let value: Uint8Array;
    if (this.bytes[(id << 5) + KIND_BYTE] & KIND_INLINE) {
      const old = copyToScratch(this.stringView(id), VALUE_SCRATCH);
      const key = this.dropValue(id);
      this.ints[(id << 3) + REF] = this.allocRecord(key, 0);
      value = new Uint8Array(growCapacity(length)).subarray(0, length);
      value.set(old);
    } else {
      const old = this.objects.get(id) as Uint8Array;
      if (old.byteOffset + length <= old.buffer.byteLength) {
        value = new Uint8Array(old.buffer, old.byteOffset, length);
        value.fill(0, old.length);
      } else {
        value = new Uint8Array(growCapacity(length)).subarray(0, length);
        value.set(old);
      }
    }
    this.bytes[(id << 5) + KIND_BYTE] = KIND_LIVE | TYPE_STRING | KIND_RAW;
    this.objects.set(id, value);
    this.env.outsideWrites++;
    return value;
  }

  /**
   * Appends bytes to a string entry (amortised O(1) growth) and returns the
   * new length. `suffix` must not be a view of this database's storage.
   */
  appendString(id: number, suffix: Uint8Array): number {
    const before = this.stringLength(id);
    const view = this.writableString(id, before + suffix.length);
    view.set(suffix, before);
    return view.length;
  }

  /** Replaces the object of a collection entry. */
  replaceObject(id: number, value: unknown): void {
    this.objects.set(id, value);
  }

  /** Deletes a key (lazily expiring it first). Returns true when it existed. */
  delete(key: Uint8Array): boolean {
    const id = this.find(key);
    if (id < 0) return false;
    this.deleteEntry(id);
    return true;
  }

  /** Deletes an entry. */
  deleteEntry(id: number): void {
    if (this.guard !== null) this.guard.beforeAccess(this, id);
    const h = this.ints[(id << 3) + HASH];
    const table = this.tableOf(h);
    const b = this.bucketIn(table, h);
    let prev = -1;
    let cur = table[b] - 1;
    while (cur >= 0 && cur !== id) {
      prev = cur;
      cur = this.ints[(cur << 3) + NEXT];
    }
    if (cur < 0) throw new Error("Database entry is not in its bucket");
    this.env.storeObserver?.valueDropped(this, id);
    if (prev < 0) table[b] = this.ints[(id << 3) + NEXT] + 1;
    else this.ints[(prev << 3) + NEXT] = this.ints[(id << 3) + NEXT];
    if (this.ints[(id << 3) + VOLATILE_POS] >= 0) this.removeVolatile(id);
    if (this.exactExpires.size > 0) this.exactExpires.delete(id);
    this.slab.free(this.ints[(id << 3) + REF]);
    this.objects.delete(id);
    this.bytes[(id << 5) + KIND_BYTE] = 0;
    this.freeIds.push(id);
    this.count--;
    if (this.count === 0 && this.capacity > RELEASE_TABLE_ABOVE) {
      // Entry numbers cannot be compacted while keys live, but an empty
      // database can give its table back (mass expiry, DEL of everything).
      this.resetTables();
    } else if (this.oldBuckets !== null) {
      this.rehashStep(REHASH_STEP_BUCKETS);
    } else if (this.buckets.length > MIN_BUCKETS && this.count * 8 < this.buckets.length) {
      let size = this.buckets.length;
      while (size > MIN_BUCKETS && this.count * 8 < size) size >>= 1;
      this.resize(size);
    }
  }

  /**
   * Removes every key. `releaseRecords` can be false when the caller resets
   * the whole slab right after (FLUSHALL), which saves walking every key.
   */
  clear(releaseRecords = true): void {
    if (this.guard !== null) this.guard.beforeClear(this);
    if (releaseRecords) this.forEach((id) => this.slab.free(this.ints[(id << 3) + REF]));
    this.resetTables();
  }

  /** Empty tables (the slab records must already be released or abandoned). */
  private resetTables(): void {
    // The reservation is kept for the next time the table grows large.
    const wasReserved = this.tableReserved;
    this.useTable(new ArrayBuffer(0));
    if (wasReserved) this.reserved!.release();
    this.objects = new ObjectColumn();
    this.freeIds = [];
    this.highWater = 0;
    this.buckets = new Int32Array(MIN_BUCKETS);
    this.mask = MIN_BUCKETS - 1;
    this.oldBuckets = null;
    this.count = 0;
    this.volatileIds = new Int32Array(0);
    this.volatileCount = 0;
    this.env.storeObserver?.cleared(this);
    this.exactExpires = new Map();
  }

  /** Exchanges the contents of two databases (SWAPDB); their indexes stay. */
  swapContents(other: Database): void {
    const fields = [
      "ints",
      "uints",
      "bytes",
      "floats",
      "capacity",
      "reserved",
      "objects",
      "freeIds",
      "highWater",
      "buckets",
      "mask",
      "oldBuckets",
      "oldMask",
      "rehashIndex",
      "count",
      "volatileIds",
      "volatileCount",
      "exactExpires",
      // A snapshot's guard follows the entries it watches.
      "guard",
    ] as const;
    const a = this as unknown as Record<string, unknown>;
    const b = other as unknown as Record<string, unknown>;
    for (const f of fields) {
      const t = a[f];
      a[f] = b[f];
      b[f] = t;
    }
    this.env.storeObserver?.swapped(this, other);
  }

  /**
   * Gives an entry a new key in this database or another one (RENAME,
   * MOVE, COPY's target side), keeping its value, type and expiry. Any
   * existing value under the new key must have been deleted by the caller.
   * Returns the entry number in the target database.
   */
  moveEntry(id: number, target: Database, newKey: Uint8Array): number {
    const kind = this.bytes[(id << 5) + KIND_BYTE];
    const expire = this.floats[(id << 2) + EXPIRE];
    const exactExpire = this.exactExpires.size > 0 ? this.exactExpires.get(id) : undefined;
    let inlineValue: Uint8Array | null = null;
    // Held in a scratch buffer across the delete (its record is freed) and
    // the insert below, which copies it into the new record.
    if (kind & KIND_INLINE) inlineValue = copyToScratch(this.stringView(id), VALUE_SCRATCH);
    const object = this.objects.get(id);
    const access = this.uints[(id << 3) + ACCESS];
    const lfu = this.bytes[(id << 5) + LFU_BYTE];
    this.objects.delete(id);
    this.deleteEntry(id);
    const nid = target.newEntry(hashBytes(newKey));
    target.ints[(nid << 3) + REF] = target.allocRecord(
      newKey,
      inlineValue ? inlineValue.length : 0,
    );
    if (inlineValue) {
      const page = target.decode(nid);
      page.set(inlineValue, target.valueOffset());
    }
    target.bytes[(nid << 5) + KIND_BYTE] = kind;
    if (object !== undefined) target.objects.set(nid, object);
    if (object instanceof Uint8Array) target.env.outsideWrites++;
    target.uints[(nid << 3) + ACCESS] = access;
    target.bytes[(nid << 5) + LFU_BYTE] = lfu;
    if (exactExpire !== undefined) target.setExpireExact(nid, exactExpire);
    else if (expire !== 0) target.setExpire(nid, expire);
    target.env.onCreated?.(target, newKey);
    return nid;
  }

  // ----------------------------------------------------------------- expiry

  /**
   * Absolute expiry in ms since the epoch, or 0 when the key does not
   * expire. Times beyond 2^53 are rounded: see {@link getExpireExact}.
   */
  getExpire(id: number): number {
    return this.floats[(id << 2) + EXPIRE];
  }

  /** Absolute expiry in ms exactly (Redis allows any time up to 2^63-1), 0n when none. */
  getExpireExact(id: number): bigint {
    if (this.exactExpires.size > 0) {
      const exact = this.exactExpires.get(id);
      if (exact !== undefined) return exact;
    }
    return BigInt(this.floats[(id << 2) + EXPIRE]);
  }

  /** Sets a positive absolute expiry in ms exactly, even beyond 2^53 (EXPIRE family). */
  setExpireExact(id: number, at: bigint): void {
    if (at <= BigInt(EXACT_EXPIRE_LIMIT)) {
      this.setExpire(id, Number(at));
      return;
    }
    this.setExpire(id, Number(at));
    this.exactExpires.set(id, at);
  }

  /** Sets (or with 0 removes) an entry's absolute expiry time in ms. */
  setExpire(id: number, at: number): void {
    if (this.exactExpires.size > 0) this.exactExpires.delete(id);
    this.floats[(id << 2) + EXPIRE] = at;
    if (at === 0) {
      if (this.ints[(id << 3) + VOLATILE_POS] >= 0) this.removeVolatile(id);
    } else if (this.ints[(id << 3) + VOLATILE_POS] < 0) {
      if (this.volatileCount >= this.volatileIds.length) {
        const grown = new Int32Array(Math.max(16, this.volatileIds.length * 2));
        grown.set(this.volatileIds);
        this.volatileIds = grown;
      }
      this.ints[(id << 3) + VOLATILE_POS] = this.volatileCount;
      this.volatileIds[this.volatileCount++] = id;
    }
  }

  private removeVolatile(id: number): void {
    const pos = this.ints[(id << 3) + VOLATILE_POS];
    const last = this.volatileIds[--this.volatileCount];
    this.volatileIds[pos] = last;
    this.ints[(last << 3) + VOLATILE_POS] = pos;
    this.ints[(id << 3) + VOLATILE_POS] = -1;
  }

  /** A random key with an expiry (entry number), or -1. For the active expiry cycle. */
  randomVolatile(): number {
    if (this.volatileCount === 0) return -1;
    return this.volatileIds[(Math.random() * this.volatileCount) | 0];
  }

  // -------------------------------------------------------------- iteration

  /**
   * Visits one bucket chain per step from `cursor` until `count` buckets'
   * worth of keys were visited; returns the next cursor (0 = done). See
   * scan_cursor.ts for the guarantee. `visit` must not modify the database.
   */
  scan(cursor: number, count: number, visit: (id: number) => void): number {
    if (this.count === 0) return 0;
    let v = cursor >>> 0;
    let steps = 0;
    const maxSteps = count * 10;
    let visited = 0;
    const ints = this.ints;
    // Bucket heads are stored plus one.
    const chain = (head: number) => {
      for (let id = head - 1; id >= 0; id = ints[(id << 3) + NEXT]) {
        visit(id);
        visited++;
      }
    };
    do {
      v = scanBuckets(v, this.buckets, this.mask, this.oldBuckets, this.oldMask, chain);
      steps++;
    } while (v !== 0 && visited < count && steps < maxSteps);
    return v;
  }

  /**
   * Visits the entries whose value is held outside the slab, in entry
   * order from entry number `from`, until `count` were visited or
   * `count * 64` numbers were looked at; returns the number to go on from
   * (0 once past the last). It reads the object column front to back,
   * which a database of small strings leaves empty. `visit` must not modify
   * the database.
   */
  scanObjects(from: number, count: number, visit: (id: number) => void): number {
    return this.objects.scan(from, count, visit);
  }

  /** Visits every entry. `visit` must not modify the database. */
  forEach(visit: (id: number) => void): void {
    for (
      const buckets of this.oldBuckets === null ? [this.buckets] : [this.oldBuckets, this.buckets]
    ) {
      for (let b = 0; b < buckets.length; b++) {
        for (let id = buckets[b] - 1; id >= 0; id = this.ints[(id << 3) + NEXT]) visit(id);
      }
    }
  }

  /** All live entry numbers (a snapshot that tolerates later modification). */
  entryIds(): Int32Array {
    const out = new Int32Array(this.count);
    let n = 0;
    this.forEach((id) => out[n++] = id);
    return out;
  }

  /**
   * Which entry numbers are live: a copy with one byte per entry number,
   * non-zero for a live entry. A plain copy of a column, so a background
   * snapshot captures a million keys in well under a millisecond.
   */
  liveEntries(): Uint8Array {
    const live = new Uint8Array(this.highWater);
    const bytes = this.bytes;
    for (let id = 0; id < live.length; id++) live[id] = bytes[(id << 5) + KIND_BYTE];
    return live;
  }

  /** A random entry, or -1 when empty. */
  randomEntry(): number {
    if (this.count === 0) return -1;
    if (this.highWater <= this.count * 2) {
      for (;;) {
        const id = (Math.random() * this.highWater) | 0;
        if (this.bytes[(id << 5) + KIND_BYTE] !== 0) return id;
      }
    }
    // Sparse: finish a resize first, so one table holds every entry.
    if (this.oldBuckets !== null) this.rehashStep(Infinity);
    for (;;) {
      let id = this.buckets[(Math.random() * this.buckets.length) | 0] - 1;
      if (id < 0) continue;
      let len = 0;
      for (let j = id; j >= 0; j = this.ints[(j << 3) + NEXT]) len++;
      let pick = (Math.random() * len) | 0;
      while (pick-- > 0) id = this.ints[(id << 3) + NEXT];
      return id;
    }
  }

  // ----------------------------------------------------------------- sizing

  private growEntries(): void {
    const cap = Math.min(MAX_ENTRIES, Math.max(16, Math.ceil(this.capacity * 1.5)));
    if (cap <= this.capacity) throw new RangeError("too many keys in one database");
    const old = this.bytes;
    if (cap > RESERVE_TABLE_ABOVE) {
      this.reserved ??= ReservedRegion.reserve(MAX_ENTRIES * ENTRY_BYTES);
      if (this.reserved !== null) {
        // Growing in place: only the move out of an ordinary buffer copies.
        const fromBuffer = !this.tableReserved;
        this.useTable(this.reserved.extend(cap * ENTRY_BYTES));
        if (fromBuffer) this.bytes.set(old);
        return;
      }
    }
    this.useTable(new ArrayBuffer(cap * ENTRY_BYTES));
    this.bytes.set(old);
  }

  /**
   * The entry table is the start of {@link reserved} (else an ordinary
   * buffer): a table grows into the reservation once past
   * {@link RESERVE_TABLE_ABOVE} entries, whenever one could be made.
   */
  private get tableReserved(): boolean {
    return this.reserved !== null && this.capacity > RESERVE_TABLE_ABOVE;
  }

  /** Makes `table` the entry table (its size decides the capacity). */
  private useTable(table: ArrayBuffer): void {
    this.ints = new Int32Array(table);
    this.uints = new Uint32Array(table);
    this.bytes = new Uint8Array(table);
    this.floats = new Float64Array(table);
    this.capacity = table.byteLength / ENTRY_BYTES;
  }

  /** The table holding the entries of hash `h`. */
  private tableOf(h: number): Int32Array {
    const old = this.oldBuckets;
    return old !== null && (h & this.oldMask) >= this.rehashIndex ? old : this.buckets;
  }

  /** The first entry of the chain of hash `h`, or -1. */
  private chainOf(h: number): number {
    const table = this.tableOf(h);
    return table[this.bucketIn(table, h)] - 1;
  }

  /** The bucket of hash `h` in `table` (the current or the old one). */
  private bucketIn(table: Int32Array, h: number): number {
    return h & (table === this.buckets ? this.mask : this.oldMask);
  }

  /** Links an entry at the head of its chain. */
  private link(id: number, h: number): void {
    const table = this.tableOf(h);
    const b = this.bucketIn(table, h);
    this.ints[(id << 3) + NEXT] = table[b] - 1;
    table[b] = id + 1;
  }

  /**
   * Starts moving the entries to a table of `size` buckets. A small table
   * moves at once, relinking entries in table order (sequential reads); a
   * large one a few buckets per write and for a millisecond per cron tick
   * ({@link rehashFor}).
   */
  private resize(size: number): void {
    if (this.oldBuckets !== null) this.rehashStep(Infinity);
    const atOnce = this.count < REHASH_AT_ONCE_BELOW;
    if (!atOnce) {
      this.oldBuckets = this.buckets;
      this.oldMask = this.mask;
      this.rehashIndex = 0;
    }
    // Zeroed memory is an empty table: the OS maps its pages as they are first written.
    this.buckets = new Int32Array(size);
    this.mask = size - 1;
    if (atOnce) {
      const ints = this.ints;
      const bytes = this.bytes;
      for (let id = 0; id < this.highWater; id++) {
        // Free entry numbers are skipped.
        if (bytes[(id << 5) + KIND_BYTE] !== 0) this.chainEntry(id, ints[(id << 3) + HASH]);
      }
    }
  }

  /** Puts an entry at the head of its chain in the current table (not the old one). */
  private chainEntry(id: number, h: number): void {
    const b = h & this.mask;
    this.ints[(id << 3) + NEXT] = this.buckets[b] - 1;
    this.buckets[b] = id + 1;
  }

  /** Moves up to `count` non-empty buckets of the old table; the resize ends with the last. */
  private rehashStep(count: number): void {
    const old = this.oldBuckets;
    if (old === null) return;
    this.rehashIndex = rehashBuckets(old, this.rehashIndex, count, 0, this.moveChain);
    if (this.rehashIndex >= old.length) this.oldBuckets = null;
  }

  /** Relinks an old bucket's chain (`head`, plus one) into the new table. */
  private readonly moveChain = (head: number): void => {
    const ints = this.ints;
    for (let id = head - 1; id >= 0;) {
      const following = ints[(id << 3) + NEXT];
      this.chainEntry(id, ints[(id << 3) + HASH]);
      id = following;
    }
  };

  /** Goes on with a resize for about `ms` milliseconds (the cron's share, like Redis's activerehashing). */
  rehashFor(ms: number): void {
    if (this.oldBuckets === null) return;
    const until = performance.now() + ms;
    do this.rehashStep(REHASH_CRON_STEP); while (
      this.oldBuckets !== null && performance.now() < until
    );
  }

  /** True while a resize of the hash table is in progress. */
  get rehashing(): boolean {
    return this.oldBuckets !== null;
  }

  /** Approximate bytes used by this database's tables (for INFO memory). */
  tableBytes(): number {
    return this.buckets.byteLength + (this.oldBuckets?.byteLength ?? 0) +
      this.capacity * (ENTRY_BYTES + 8);
  }
}

/** A reusable buffer for {@link copyToScratch}. */
interface Scratch {
  buffer: Uint8Array;
}

/** Holds a key while its record is freed and allocated again. */
const KEY_SCRATCH: Scratch = { buffer: new Uint8Array(256) };
/** Holds an inline value while its record is reallocated. */
const VALUE_SCRATCH: Scratch = { buffer: new Uint8Array(INLINE_VALUE_MAX) };

/** Longest bytes a scratch buffer grows to hold; longer ones get a copy of their own. */
const SCRATCH_MAX = 64 * 1024;

/** Copies `bytes` into a scratch buffer (grown when too small); returns a view of the copy. */
function copyToScratch(bytes: Uint8Array, scratch: Scratch): Uint8Array {
  const n = bytes.length;
  if (n > SCRATCH_MAX) return bytes.slice();
  if (n > scratch.buffer.length) {
    scratch.buffer = new Uint8Array(Math.min(SCRATCH_MAX, Math.max(n, scratch.buffer.length * 2)));
  }
  const buffer = scratch.buffer;
  if (n < 32) {
    for (let i = 0; i < n; i++) buffer[i] = bytes[i];
  } else {
    buffer.set(bytes);
  }
  return buffer.subarray(0, n);
}

function growCapacity(length: number): number {
  // Like sds's greedy growth: double small strings, add 1 MiB to large ones.
  return length < 1024 * 1024 ? Math.max(16, length * 2) : length + 1024 * 1024;
}
