/**
 * The two ways a snapshot of the keyspace is written:
 *
 * - {@link RdbSnapshotFormat}: an RDB file (dump.rdb, the RDB preamble of an
 *   AOF base file), ending with the CRC64 of everything before it;
 * - {@link CommandSnapshotFormat}: the commands that rebuild the dataset (an
 *   AOF base file with `aof-use-rdb-preamble no`).
 *
 * Both accept entries in any order: an entry of another database than the
 * last one is preceded by a database switch (`SELECTDB` / `SELECT`), which
 * is how a background snapshot writes entries that clients touch before the
 * walk reaches them (ADR 0003).
 *
 * @module
 */

import { Crc64 } from "./crc64.ts";
import { RdbWriter } from "./rdb_encoding.ts";
import { RDB_MAGIC, RDB_VERSION, RdbOpcode, RdbType } from "./rdb_format.ts";
import { codecFor, type SaveOptions } from "./value_codecs.ts";
import { writeCommand } from "./command_encoding.ts";
import { type Database, TYPE_STRING } from "../store/database.ts";

/** Writes snapshot entries into a buffer that the caller drains to a file. */
export interface SnapshotFormat {
  /** Bytes produced and not yet taken. */
  readonly pendingBytes: number;
  /** Writes whatever precedes the entries (header, auxiliary fields). */
  begin(): void;
  /** Starts a database in the walk's order, with its size at the start of the snapshot. */
  beginDb(index: number, keys: number, expires: number): void;
  /** Writes one entry of `db`, which holds the contents of database `dbIndex` at the start. */
  entry(db: Database, id: number, dbIndex: number): void;
  /** Writes whatever follows the entries (end marker, checksum). */
  end(): void;
  /** Takes the bytes produced so far (a copy the caller owns). */
  take(): Uint8Array;
}

/** Settings of an RDB snapshot. */
export interface RdbSnapshotOptions extends SaveOptions {
  /** `rdbchecksum`: write the CRC64 (else 8 zero bytes). */
  readonly checksum: boolean;
  /** Auxiliary fields written after the header, in order. */
  readonly aux: readonly (readonly [string, string])[];
  /** Write each key's idle time (an LRU `maxmemory-policy` is set). */
  readonly saveIdle: boolean;
  /** Write each key's LFU counter (an LFU `maxmemory-policy` is set). */
  readonly saveFreq: boolean;
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** An RDB file (version 10). */
export class RdbSnapshotFormat implements SnapshotFormat {
  private readonly out = new RdbWriter(256 * 1024);
  private readonly crc: Crc64 | null;
  private selected = -1;

  constructor(private readonly options: RdbSnapshotOptions) {
    this.crc = options.checksum ? new Crc64() : null;
  }

  get pendingBytes(): number {
    return this.out.length;
  }

  begin(): void {
    this.out.raw(ascii(RDB_MAGIC + String(RDB_VERSION).padStart(4, "0")));
    for (const [name, value] of this.options.aux) {
      this.out.byte(RdbOpcode.AUX);
      this.out.string(ascii(name), false);
      this.out.string(ascii(value), false);
    }
  }

  beginDb(index: number, keys: number, expires: number): void {
    this.select(index);
    this.out.byte(RdbOpcode.RESIZEDB);
    this.out.len(keys);
    this.out.len(expires);
  }

  private select(index: number): void {
    this.out.byte(RdbOpcode.SELECTDB);
    this.out.len(index);
    this.selected = index;
  }

  entry(db: Database, id: number, dbIndex: number): void {
    const out = this.out;
    const options = this.options;
    if (dbIndex !== this.selected) this.select(dbIndex);
    const expire = db.getExpire(id);
    if (expire !== 0) {
      out.byte(RdbOpcode.EXPIRETIME_MS);
      out.uint64LE(expire > Number.MAX_SAFE_INTEGER ? db.getExpireExact(id) : expire);
    }
    if (options.saveIdle) {
      out.byte(RdbOpcode.IDLE);
      out.len(db.idleSeconds(id));
    }
    if (options.saveFreq) {
      out.byte(RdbOpcode.FREQ);
      out.byte(db.frequency(id));
    }
    const type = db.typeOf(id);
    if (type === TYPE_STRING) {
      out.byte(RdbType.STRING);
      out.string(db.keyView(id), options.compress);
      out.string(db.stringView(id), options.compress);
      return;
    }
    const value = db.object<unknown>(id);
    const codec = codecFor(type);
    out.byte(codec.rdbType(value));
    out.string(db.keyView(id), options.compress);
    codec.writeRdb(out, value, options);
  }

  end(): void {
    this.out.byte(RdbOpcode.EOF);
    const body = this.take();
    this.out.raw(body);
    this.out.raw(this.crc === null ? new Uint8Array(8) : this.crc.bytesLE());
  }

  take(): Uint8Array {
    const bytes = this.out.bytes().slice();
    this.out.reset();
    this.crc?.update(bytes);
    return bytes;
  }
}

/**
 * The commands that rebuild the dataset, as Redis's AOF rewrite writes them:
 * `SELECT` per database, `SET`/`RPUSH`/`SADD`/`ZADD`/`HMSET` per key (at
 * most 64 elements per command) and `PEXPIREAT` for keys with an expiry.
 */
export class CommandSnapshotFormat implements SnapshotFormat {
  private readonly out = new RdbWriter(256 * 1024);
  private selected = -1;

  get pendingBytes(): number {
    return this.out.length;
  }

  begin(): void {}

  beginDb(index: number): void {
    this.select(index);
  }

  private select(index: number): void {
    writeCommand(this.out, ["SELECT", String(index)]);
    this.selected = index;
  }

  entry(db: Database, id: number, dbIndex: number): void {
    if (dbIndex !== this.selected) this.select(dbIndex);
    const key = db.keyCopy(id);
    const type = db.typeOf(id);
    if (type === TYPE_STRING) {
      writeCommand(this.out, ["SET", key, db.stringView(id)]);
    } else {
      codecFor(type).writeCommands(this.out, key, db.object<unknown>(id));
    }
    const expire = db.getExpire(id);
    if (expire !== 0) writeCommand(this.out, ["PEXPIREAT", key, String(db.getExpireExact(id))]);
  }

  end(): void {}

  take(): Uint8Array {
    const bytes = this.out.bytes().slice();
    this.out.reset();
    return bytes;
  }
}
