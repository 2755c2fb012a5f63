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

/**
 * Joins strings into one flat string. `+` would build a rope of slices
 * that keeps the old data alive (and costs an object per piece) until V8
 * flattens it; `join` copies into a single new string.
 */
export function flat(parts: string[]): string {
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
