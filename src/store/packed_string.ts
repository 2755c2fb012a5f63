/**
 * Small collections packed into one latin1 string, as Redis packs them
 * into a listpack: each element is `[length, varint][bytes]`. One flat
 * string is one object for the garbage collector to visit, with no
 * pointers inside, where an array of element strings is an array, its
 * backing store and a string per element (a small hash of one field took
 * ~210 bytes of heap that way, ~90 packed).
 *
 * @module
 */

import { latin1 } from "../util/bytes.ts";

/** The one-character varints, made once: most elements are shorter than 128 bytes. */
const SHORT_LENGTHS = Array.from({ length: 0x80 }, (_, n) => String.fromCharCode(n));

/** The varint of a length: seven bits a character, low bits first, high bit set on all but the last. */
export function encodeLength(n: number): string {
  if (n < 0x80) return SHORT_LENGTHS[n];
  let s = "";
  while (n >= 0x80) {
    s += String.fromCharCode((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return s + String.fromCharCode(n);
}

/** Shortest string V8 makes a slice of (shorter ones are copied). */
const MIN_SLICE = 13;

/**
 * Joins strings into one flat string. `+` would build a rope of slices
 * that keeps the old data alive (and costs an object per piece) until V8
 * flattens it; `join` copies into a single new string, except when one
 * part is all there is (the others empty): then it returns that part,
 * which may be a slice of the whole old string, so it is split in two for
 * `join` to copy.
 */
export function flat(parts: string[]): string {
  let filled = 0;
  let only = "";
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].length > 0) {
      filled++;
      only = parts[i];
    }
  }
  if (filled === 1 && only.length >= MIN_SLICE) return [only.slice(0, 1), only.slice(1)].join("");
  return parts.join("");
}

/** Where the bytes of the element whose length {@link readLength} read start. */
export let elementStart = 0;

/** Reads the length of the element at offset `at` of `data` (and sets {@link elementStart}). */
export function readLength(data: string, at: number): number {
  let length = 0;
  let shift = 0;
  let c: number;
  do {
    c = data.charCodeAt(at++);
    length += (c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  elementStart = at;
  return length;
}

/** Scratch bytes for {@link packPair}, and views of its first n bytes by n (reused, not remade). */
let pairScratch = new Uint8Array(256);
let pairViews: Uint8Array[] = [];

/**
 * Two elements given as bytes, packed: one string made in one step, where
 * packing each apart and joining them made three (measured: a new field of
 * a small hash ~100 ns less).
 */
export function packPair(first: Uint8Array, second: Uint8Array): string {
  const need = first.length + second.length + 10;
  if (need > pairScratch.length) {
    pairScratch = new Uint8Array(Math.max(need, 2 * pairScratch.length));
    pairViews = [];
  }
  const out = pairScratch;
  let at = putBytes(out, putLength(out, 0, first.length), first);
  at = putBytes(out, putLength(out, at, second.length), second);
  if (at > 1024) return latin1(out.subarray(0, at));
  let view = pairViews[at];
  if (view === undefined) {
    while (pairViews.length < at) pairViews.push(out.subarray(0, pairViews.length));
    view = out.subarray(0, at);
    pairViews.push(view);
  }
  return String.fromCharCode.apply(null, view as unknown as number[]);
}

function putLength(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

function putBytes(out: Uint8Array, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 32) { for (let i = 0; i < n; i++) out[at + i] = bytes[i]; }
  else out.set(bytes, at);
  return at + n;
}
