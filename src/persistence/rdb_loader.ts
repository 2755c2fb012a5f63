/**
 * Loading RDB data into the keyspace, incrementally: {@link RdbLoader.step}
 * parses and applies items until its time budget is spent or the window
 * runs out, so a large file loads in slices between event-loop turns while
 * clients get `-LOADING` replies. The same loader reads dump.rdb, the RDB
 * base of an AOF, and (synchronously) the file DEBUG RELOAD just wrote.
 *
 * Every Redis 7.0 encoding loads, and older ones Redis still accepts; each
 * value is built with the encoding Redis would choose for it (see
 * value_codecs.ts). Streams, module types, module auxiliary data and Redis
 * Functions are refused with a message naming what was found.
 *
 * @module
 */

import { Crc64 } from "./crc64.ts";
import type { ByteWindow, ChunkedFile } from "./chunked_file.ts";
import { yieldToEventLoop } from "./snapshot.ts";
import { RdbFormatError, RdbReader, RdbTruncatedError } from "./rdb_encoding.ts";
import { isObjectType, RDB_MAGIC, RDB_VERSION, RdbOpcode } from "./rdb_format.ts";
import {
  type LoadedValue,
  type LoadLimits,
  loadValue,
  UnsupportedTypeError,
} from "./value_codecs.ts";
import { type Database, TYPE_STRING } from "../store/database.ts";
import type { Keyspace } from "../store/keyspace.ts";
import { quoteBytes } from "../util/bytes.ts";

/** The RDB data cannot be loaded; `offset` is where the bad item starts. */
export class RdbLoadError extends Error {
  override name = "RdbLoadError";
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** How to load. */
export interface RdbLoadOptions {
  /** Encoding settings for the values built. */
  readonly limits: LoadLimits;
  /**
   * Drop keys whose expiry has passed, as Redis does when loading dump.rdb
   * (but not the RDB base of an AOF, whose later commands may refer to them).
   */
  readonly skipExpired: boolean;
  /** `rdbchecksum`: verify the CRC64 at the end. */
  readonly verifyChecksum: boolean;
  /** An LFU `maxmemory-policy` is set: FREQ opcodes apply, IDLE ones do not. */
  readonly lfuPolicy: boolean;
  /** Called with each non-fatal remark (empty keys skipped, checksum disabled). */
  readonly notice: (message: string) => void;
  /** A key already in memory is replaced instead of refused (DEBUG RELOAD MERGE). */
  readonly allowDuplicates?: boolean;
}

/** What a load found. */
export interface RdbLoadResult {
  /** RDB version of the data. */
  version: number;
  /** Keys added to the keyspace. */
  keysLoaded: number;
  /** Keys skipped because they had expired. */
  keysExpired: number;
  /** Empty collections skipped (Redis drops them too). */
  emptyKeysSkipped: number;
  /** Auxiliary fields, by name (latin1 values). */
  aux: Map<string, string>;
}

/** Result of one {@link RdbLoader.step}. */
export type StepResult =
  /** The window ended inside an item: read more and step again. */
  | "more"
  /** The time budget is spent (or a per-key delay applies): yield, then step again. */
  | "yield"
  /** The end marker (and checksum) were read. */
  | "done";

type Item =
  | { kind: "aux"; name: string; value: string }
  | { kind: "select"; db: number }
  | { kind: "resize" }
  | { kind: "eof" }
  | {
    kind: "entry";
    key: Uint8Array;
    value: LoadedValue | null;
    /** Absolute expiry in ms, -1 for none; a bigint beyond 2^53 (kept exactly). */
    expire: number | bigint;
    idle: number;
    freq: number;
  };

const HEADER_LENGTH = 9;
/** RDB versions from this one on end with a CRC64. */
const FIRST_VERSION_WITH_CHECKSUM = 5;
/** Items parsed between two looks at the clock. */
const CLOCK_EVERY = 32;

function unsupportedData(what: string): RdbFormatError {
  return new RdbFormatError(`The RDB file contains ${what}, which Rift does not implement`);
}

/** Parses an RDB stream and applies it to a keyspace. */
export class RdbLoader {
  readonly result: RdbLoadResult = {
    version: 0,
    keysLoaded: 0,
    keysExpired: 0,
    emptyKeysSkipped: 0,
    aux: new Map(),
  };
  private state: "header" | "body" | "checksum" | "done" = "header";
  private readonly crc = new Crc64();
  private db: Database;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly options: RdbLoadOptions,
    /** Microseconds to pause after each key (`key-load-delay`, for tests). */
    private readonly keyDelayMicros: () => number = () => 0,
  ) {
    this.db = keyspace.dbs[0];
  }

  /** True once the end marker and checksum were read. */
  get done(): boolean {
    return this.state === "done";
  }

  /**
   * Parses and applies items from the window until `deadline`
   * (`performance.now()` time), the end of the window, or the end of the
   * data. Throws {@link RdbLoadError} for bad data.
   */
  step(input: ByteWindow, deadline: number): StepResult {
    const reader = new RdbReader(input.buf, input.pos);
    const delay = this.keyDelayMicros() > 0;
    let items = 0;
    for (;;) {
      const start = reader.pos;
      let item: Item | null = null;
      try {
        if (this.state === "header") this.header(reader);
        else if (this.state === "checksum") this.checksum(reader);
        else {
          item = this.item(reader);
          this.crc.update(input.buf.subarray(start, reader.pos));
          this.apply(item);
        }
      } catch (e) {
        if (e instanceof RdbTruncatedError) {
          input.pos = start;
          return "more";
        }
        if (e instanceof RdbFormatError) throw new RdbLoadError(e.message, input.base + start);
        throw e;
      }
      input.pos = reader.pos;
      if (this.state === "done") return "done";
      if (delay && item?.kind === "entry") return "yield";
      if (++items % CLOCK_EVERY === 0 && performance.now() >= deadline) return "yield";
    }
  }

  private header(reader: RdbReader): void {
    const bytes = reader.raw(HEADER_LENGTH);
    let magic = "";
    for (let i = 0; i < 5; i++) magic += String.fromCharCode(bytes[i]);
    if (magic !== RDB_MAGIC) {
      throw new RdbFormatError("Wrong signature trying to load DB from file");
    }
    let digits = "";
    for (let i = 5; i < HEADER_LENGTH; i++) digits += String.fromCharCode(bytes[i]);
    const version = /^\d{4}$/.test(digits) ? Number(digits) : 0;
    if (version < 1 || version > RDB_VERSION) {
      throw new RdbFormatError(`Can't handle RDB format version ${version}`);
    }
    this.result.version = version;
    this.crc.update(bytes);
    this.state = "body";
  }

  private checksum(reader: RdbReader): void {
    const stored = reader.raw(8);
    this.state = "done";
    if (!this.options.verifyChecksum) return;
    const expected = this.crc.bytesLE();
    if (stored.every((b) => b === 0)) {
      this.options.notice("RDB file was saved with checksum disabled: no check performed.");
      return;
    }
    if (!stored.every((b, i) => b === expected[i])) {
      const hex = (b: Uint8Array) =>
        [...b].reverse().map((x) => x.toString(16).padStart(2, "0")).join("").replace(/^0+/, "");
      throw new RdbFormatError(
        `Wrong RDB checksum expected: (${hex(expected) || "0"}) got: (${
          hex(stored) || "0"
        }). Aborting now.`,
      );
    }
  }

  private item(r: RdbReader): Item {
    let expire: number | bigint = -1;
    let idle = -1;
    let freq = -1;
    for (;;) {
      const type = r.byte();
      switch (type) {
        case RdbOpcode.EXPIRETIME:
          expire = r.uint32LE() * 1000;
          continue;
        case RdbOpcode.EXPIRETIME_MS: {
          const at = r.uint64LEBig();
          expire = at > BigInt(Number.MAX_SAFE_INTEGER) ? at : Number(at);
          continue;
        }
        case RdbOpcode.FREQ:
          freq = r.byte();
          continue;
        case RdbOpcode.IDLE:
          idle = r.len();
          continue;
        case RdbOpcode.EOF:
          return { kind: "eof" };
        case RdbOpcode.SELECTDB:
          return { kind: "select", db: r.len() };
        case RdbOpcode.RESIZEDB:
          r.len();
          r.len();
          return { kind: "resize" };
        case RdbOpcode.AUX:
          return { kind: "aux", name: r.stringLatin1(), value: r.stringLatin1() };
        case RdbOpcode.MODULE_AUX:
          throw unsupportedData("module auxiliary data");
        case RdbOpcode.FUNCTION2:
        case RdbOpcode.FUNCTION_PRE_GA:
          throw unsupportedData("Redis Functions libraries");
      }
      if (!isObjectType(type)) throw new RdbFormatError(`Unknown RDB type ${type}`);
      const key = r.string();
      let value: LoadedValue | null;
      try {
        value = loadValue(r, type, this.options.limits);
      } catch (e) {
        if (e instanceof UnsupportedTypeError) {
          throw new RdbFormatError(
            `Can't load key ${quoteBytes(key)} in DB ${this.db.index}: ${e.message}`,
          );
        }
        throw e;
      }
      return { kind: "entry", key, value, expire, idle, freq };
    }
  }

  private apply(item: Item): void {
    switch (item.kind) {
      case "eof":
        this.state = this.result.version >= FIRST_VERSION_WITH_CHECKSUM ? "checksum" : "done";
        return;
      case "select":
        if (item.db >= this.keyspace.dbs.length) {
          throw new RdbFormatError(
            `FATAL: Data file was created with a Redis server configured to handle more than ${this.keyspace.dbs.length} databases.`,
          );
        }
        this.db = this.keyspace.dbs[item.db];
        return;
      case "aux":
        this.result.aux.set(item.name, item.value);
        return;
      case "resize":
        return;
      case "entry":
        this.applyEntry(item);
    }
  }

  private applyEntry(item: Extract<Item, { kind: "entry" }>): void {
    const result = this.result;
    if (item.value === null) {
      if (result.emptyKeysSkipped++ < 10) {
        this.options.notice(`rdbLoadObject skipping empty key: ${quoteBytes(item.key)}`);
      }
      return;
    }
    let expire = item.expire;
    if (expire !== -1 && this.options.skipExpired && expire < this.keyspace.now) {
      result.keysExpired++;
      return;
    }
    const db = this.db;
    const before = db.size;
    const { type, value } = item.value;
    const id = type === TYPE_STRING
      ? db.setString(item.key, value as Uint8Array)
      : db.setObject(item.key, type, value);
    if (db.size === before && !this.options.allowDuplicates) {
      throw new RdbFormatError(
        `RDB has duplicated key ${quoteBytes(item.key)} in DB ${db.index}`,
      );
    }
    // Rift keeps "no expiry" as 0: an expiry at the epoch is the earliest real time instead.
    if (expire === 0) expire = 1;
    if (typeof expire === "bigint") db.setExpireExact(id, expire);
    else if (expire !== -1) db.setExpire(id, expire);
    if (this.options.lfuPolicy) {
      if (item.freq >= 0) db.setFrequency(id, item.freq);
    } else if (item.idle >= 0) {
      db.setAccessTime(id, Math.max(0, this.keyspace.lruClock - item.idle));
    }
    result.keysLoaded++;
  }
}

/** Loads a whole in-memory RDB image synchronously (DEBUG RELOAD, tests). */
export function loadRdbBytesSync(
  bytes: Uint8Array,
  keyspace: Keyspace,
  options: RdbLoadOptions,
): RdbLoadResult {
  const loader = new RdbLoader(keyspace, options);
  const input: ByteWindow = { buf: bytes, pos: 0, base: 0 };
  const result = loader.step(input, Infinity);
  if (result === "more") {
    throw new RdbLoadError("Unexpected EOF reading RDB file", input.pos);
  }
  return loader.result;
}

/** What a streaming load reports between slices. */
export interface LoadHooks {
  /** Called between slices with the file offset reached and the keys loaded. */
  progress(offset: number, keys: number): void;
  /** Microseconds to pause per key (`key-load-delay`); 0 for none. */
  keyDelayMicros(): number;
}

/** Longest stretch of loading before clients are let in (to get `-LOADING`). */
const LOAD_SLICE_MS = 10;

/**
 * Runs a loader over a file read in chunks, yielding to the event loop
 * between slices. Resolves once the end marker (and checksum) were read;
 * the file's position is then just after them.
 */
export async function loadRdbStream(
  input: ChunkedFile,
  loader: RdbLoader,
  hooks: LoadHooks,
): Promise<void> {
  for (;;) {
    const result = loader.step(input, performance.now() + LOAD_SLICE_MS);
    if (result === "done") return;
    if (result === "more") {
      if (!(await input.more())) {
        throw new RdbLoadError("Unexpected EOF reading RDB file", input.offset);
      }
      continue;
    }
    hooks.progress(input.offset, loader.result.keysLoaded);
    const delay = hooks.keyDelayMicros();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay / 1000));
    else await yieldToEventLoop();
  }
}
