/**
 * What `OBJECT ENCODING` and `OBJECT REFCOUNT` report for a string key,
 * exactly as Redis 7.0 would for the same history of writes.
 *
 * Redis stores a string written by `SET` (and INCR, MSET, SETNX, GETSET...)
 * as an integer when its bytes are a canonical signed 64-bit integer of at
 * most 20 characters, reusing one shared object for 0..9999 (reference count
 * `INT_MAX`) unless `maxmemory` is set with an LRU/LFU policy; otherwise as
 * `embstr` up to 44 bytes and `raw` above. A value modified in place
 * (APPEND, SETRANGE, SETBIT) becomes `raw`; INCRBYFLOAT's result is never an
 * integer; COPY duplicates an integer into a private object. The store keeps
 * that history as a {@link StringForm} per key; this module turns it and
 * the value's bytes into Redis's answers.
 *
 * @module
 */

import { type Database, StringForm, type StringFormValue } from "./database.ts";
import { parseInteger } from "../util/numbers.ts";

/** Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`. */
export const EMBSTR_SIZE_LIMIT = 44;
/** Redis's `OBJ_SHARED_INTEGERS`: values 0..9999 use shared objects. */
export const SHARED_INTEGERS = 10000;
/** Reference count Redis reports for shared objects (`OBJ_SHARED_REFCOUNT`, `INT_MAX`). */
export const SHARED_REFCOUNT = 2147483647;
/** Longest string Redis tries to turn into an integer. */
const MAX_INTEGER_CHARS = 20;

/** The integer a string would be encoded as, or NaN when it stays a string. */
function integerValue(db: Database, id: number): number {
  if (db.stringLength(id) > MAX_INTEGER_CHARS) return NaN;
  return parseInteger(db.stringView(id));
}

/** `int`, `embstr` or `raw`: Redis's encoding of the string value of entry `id`. */
export function stringEncoding(db: Database, id: number): "int" | "embstr" | "raw" {
  const form = db.stringForm(id);
  if (form === StringForm.RAW) return "raw";
  if (form !== StringForm.PLAIN && !Number.isNaN(integerValue(db, id))) return "int";
  return db.stringLength(id) <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

/** Redis's reference count of the string value of entry `id` (`OBJECT REFCOUNT`). */
export function stringRefcount(db: Database, id: number): number {
  if (db.stringForm(id) !== StringForm.AUTO) return 1;
  const value = integerValue(db, id);
  return value >= 0 && value < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

/**
 * The form a copy of entry `id` takes (COPY): Redis's `dupStringObject`
 * keeps the encoding but never shares an integer.
 */
export function copiedStringForm(db: Database, id: number): StringFormValue {
  const form = db.stringForm(id);
  return form === StringForm.AUTO ? StringForm.UNSHARED : form;
}
