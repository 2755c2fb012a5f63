/**
 * Byte helpers. Keys and values are bytes everywhere in Rift; where a JS
 * string is needed (map keys, collection members) we use "latin1 strings":
 * one UTF-16 code unit per byte, 0..255. V8 stores them as one-byte strings,
 * so they cost one byte per character and round-trip any byte sequence.
 *
 * @module
 */

const encoder = new TextEncoder();

/** An empty byte array shared by callers that need "no bytes". */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** Encodes an ASCII/UTF-8 JS string (program text, not user data) as bytes. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const utf8Decoder = new TextDecoder();

/** Decodes bytes as UTF-8 for human-facing text such as log lines. */
export function utf8Text(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Converts bytes to a latin1 string (one char per byte). */
export function latin1(bytes: Uint8Array): string {
  const n = bytes.length;
  const CHUNK = 8192;
  // One call builds a flat string; appending char by char builds a rope
  // past 12 chars, which is slower to create, hash and use as a Map key
  // (measured: 2-2.5x for 20-40 byte members).
  if (n <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = "";
  for (let i = 0; i < n; i += CHUNK) {
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[],
    );
  }
  return s;
}

/** Converts a latin1 string (chars 0..255) back to bytes. */
export function latin1Bytes(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}

let latin1Scratch = new Uint8Array(256);

/**
 * {@link latin1Bytes} into a shared scratch buffer: the view is valid until
 * the next call, so a caller must be done with it (or have copied it)
 * before converting another text. In Deno a new small typed array costs a
 * malloc and a free (hundreds of nanoseconds); a view of an existing buffer
 * costs an object.
 */
export function latin1View(text: string): Uint8Array {
  const n = text.length;
  if (n > latin1Scratch.length) latin1Scratch = new Uint8Array(n * 2);
  const out = latin1Scratch;
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return new Uint8Array(out.buffer, 0, n);
}

/** Lower-cases ASCII letters of a short token, returning a plain JS string. */
export function lowerAscii(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i];
    if (b >= 65 && b <= 90) b += 32;
    s += String.fromCharCode(b);
  }
  return s;
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Case-insensitive comparison of an argument with a lower-case ASCII keyword,
 * without allocating. Used for option parsing (`EX`, `NX`, `WITHSCORES`...).
 */
export function isKeyword(arg: Uint8Array, lowerKeyword: string): boolean {
  const n = lowerKeyword.length;
  if (arg.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let b = arg[i];
    if (b >= 65 && b <= 90) b += 32;
    if (b !== lowerKeyword.charCodeAt(i)) return false;
  }
  return true;
}

/** Lexicographic byte comparison like memcmp followed by length, as Redis sorts. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Compares two latin1 strings byte-wise (JS `<` on one-byte strings agrees). */
export function compareLatin1(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Copies a view so it survives reuse of the buffer it points into. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

/**
 * Renders bytes the way redis-cli and Redis logs quote strings
 * (sdscatrepr): printable ASCII as is, `\n`, `\r`, `\t`, `\a`, `\b`,
 * `\\`, `\"`, and `\xHH` for everything else, wrapped in double quotes.
 */
export function quoteBytes(bytes: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    switch (b) {
      case 0x5c:
        s += "\\\\";
        break;
      case 0x22:
        s += '\\"';
        break;
      case 0x0a:
        s += "\\n";
        break;
      case 0x0d:
        s += "\\r";
        break;
      case 0x09:
        s += "\\t";
        break;
      case 0x07:
        s += "\\a";
        break;
      case 0x08:
        s += "\\b";
        break;
      default:
        if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
        else s += "\\x" + b.toString(16).padStart(2, "0");
    }
  }
  return s + '"';
}

/**
 * Per-process random seed so that a client cannot precompute keys that all
 * land in one hash bucket (hash flooding).
 */
const HASH_SEED = (Math.random() * 0x100000000) | 0;

/**
 * MurmurHash3 (x86, 32-bit), seeded per process: four bytes per step, so a
 * typical 16-byte key costs four multiply rounds instead of FNV's sixteen
 * dependent ones (every key lookup hashes its key).
 */
export function hashBytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = HASH_SEED;
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    h = mixBlock(h, bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  }
  const rest = end - i;
  if (rest > 0) {
    let k = bytes[i];
    if (rest > 1) k |= bytes[i + 1] << 8;
    if (rest > 2) k |= bytes[i + 2] << 16;
    h ^= scrambleBlock(k);
  }
  return finishHash(h, end - start);
}

/** True when `text` is the latin1 form of `bytes` (compared without making a string). */
export function latin1Equals(text: string, bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (text.length !== n) return false;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) !== bytes[i]) return false;
  return true;
}

/** The same hash over a latin1 string, so bytes and their latin1 form agree. */
export function hashLatin1(text: string): number {
  const end = text.length;
  let h = HASH_SEED;
  let i = 0;
  for (const last = end - 3; i < last; i += 4) {
    h = mixBlock(
      h,
      text.charCodeAt(i) | (text.charCodeAt(i + 1) << 8) | (text.charCodeAt(i + 2) << 16) |
        (text.charCodeAt(i + 3) << 24),
    );
  }
  const rest = end - i;
  if (rest > 0) {
    let k = text.charCodeAt(i);
    if (rest > 1) k |= text.charCodeAt(i + 1) << 8;
    if (rest > 2) k |= text.charCodeAt(i + 2) << 16;
    h ^= scrambleBlock(k);
  }
  return finishHash(h, end);
}

function scrambleBlock(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixBlock(h: number, k: number): number {
  h ^= scrambleBlock(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
function finishHash(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
