/**
 * DUMP payloads: an RDB object (type byte and body) followed by the RDB
 * version (2 bytes, little endian) and the CRC64 of everything before it
 * (8 bytes, little endian), as Redis's DUMP writes and RESTORE reads them.
 *
 * @module
 */

import { Crc64 } from "./crc64.ts";
import { RdbFormatError, RdbReader, RdbWriter } from "./rdb_encoding.ts";
import { RDB_VERSION, RdbType } from "./rdb_format.ts";
import {
  codecFor,
  type LoadedValue,
  type LoadLimits,
  loadValue,
  type SaveOptions,
} from "./value_codecs.ts";
import { type Database, TYPE_STRING } from "../store/database.ts";

/** The DUMP payload of an entry. */
export function dumpPayload(db: Database, id: number, options: SaveOptions): Uint8Array {
  const out = new RdbWriter(256);
  const type = db.typeOf(id);
  if (type === TYPE_STRING) {
    out.byte(RdbType.STRING);
    out.string(db.stringView(id), options.compress);
  } else {
    const value = db.object<unknown>(id);
    const codec = codecFor(type);
    out.byte(codec.rdbType(value));
    codec.writeRdb(out, value, options);
  }
  out.byte(RDB_VERSION & 0xff);
  out.byte(RDB_VERSION >> 8);
  out.raw(new Crc64().update(out.bytes()).bytesLE());
  return out.bytes().slice();
}

/** True when the footer holds an RDB version this server reads and the checksum matches. */
export function verifyPayload(payload: Uint8Array): boolean {
  const n = payload.length;
  if (n < 10) return false;
  const version = payload[n - 10] | (payload[n - 9] << 8);
  if (version > RDB_VERSION) return false;
  const stored = payload.subarray(n - 8);
  const crc = new Crc64().update(payload.subarray(0, n - 8)).bytesLE();
  return crc.every((b, i) => b === stored[i]);
}

/**
 * Reads the value of a verified payload; null when it is malformed or
 * empty (RESTORE then replies "Bad data format"). Like Redis, the object is
 * read from the start of the payload and whatever follows it is ignored.
 */
export function readPayload(payload: Uint8Array, limits: LoadLimits): LoadedValue | null {
  const reader = new RdbReader(payload);
  try {
    return loadValue(reader, reader.byte(), limits);
  } catch (e) {
    if (e instanceof RdbFormatError) return null;
    throw e;
  }
}
