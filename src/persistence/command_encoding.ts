/**
 * Commands as RESP multibulk arrays, the way the AOF stores them:
 * `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
 *
 * @module
 */

import type { RdbWriter } from "./rdb_encoding.ts";

/** Commands the AOF rewrite emits at most this many elements per (RPUSH, SADD, HMSET...). */
export const AOF_REWRITE_ITEMS_PER_CMD = 64;

const CRLF = [13, 10];

function header(out: RdbWriter, prefix: number, n: number): void {
  out.byte(prefix);
  const digits = String(n);
  for (let i = 0; i < digits.length; i++) out.byte(digits.charCodeAt(i));
  out.byte(CRLF[0]);
  out.byte(CRLF[1]);
}

/** Appends `*<count>\r\n`, the start of a command of `count` arguments. */
export function writeArrayHeader(out: RdbWriter, count: number): void {
  header(out, 42, /* * */ count);
}

/** Appends one argument given as bytes. */
export function writeBulk(out: RdbWriter, bytes: Uint8Array): void {
  header(out, 36, /* $ */ bytes.length);
  out.raw(bytes);
  out.byte(CRLF[0]);
  out.byte(CRLF[1]);
}

/** Appends one argument given as a latin1 string (collection members, numbers). */
export function writeBulkLatin1(out: RdbWriter, text: string): void {
  header(out, 36, /* $ */ text.length);
  for (let i = 0; i < text.length; i++) out.byte(text.charCodeAt(i));
  out.byte(CRLF[0]);
  out.byte(CRLF[1]);
}

/** Appends a whole command; string arguments are latin1. */
export function writeCommand(out: RdbWriter, args: readonly (Uint8Array | string)[]): void {
  writeArrayHeader(out, args.length);
  for (const arg of args) {
    if (typeof arg === "string") writeBulkLatin1(out, arg);
    else writeBulk(out, arg);
  }
}

/**
 * Appends commands `<name> <key> <items...>` in batches of at most
 * {@link AOF_REWRITE_ITEMS_PER_CMD} items, each item being `width` arguments
 * (1 for RPUSH/SADD members, 2 for HMSET field-value and ZADD score-member
 * pairs), as Redis's AOF rewrite does.
 */
export function writeVariadic(
  out: RdbWriter,
  name: string,
  key: Uint8Array,
  itemCount: number,
  width: number,
  items: Iterable<string>,
): void {
  let left = itemCount;
  let inBatch = 0;
  for (const arg of items) {
    if (inBatch === 0) {
      const batch = Math.min(left, AOF_REWRITE_ITEMS_PER_CMD);
      writeArrayHeader(out, 2 + batch * width);
      writeBulkLatin1(out, name);
      writeBulk(out, key);
      inBatch = batch * width;
      left -= batch;
    }
    writeBulkLatin1(out, arg);
    inBatch--;
  }
}
