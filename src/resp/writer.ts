/**
 * Reply writer for RESP2 and RESP3. Handlers append replies straight into
 * one growable output buffer per connection (no reply objects), and the
 * connection writes the whole buffer once per batch of commands.
 *
 * RESP3-only types degrade to their RESP2 forms as Redis does: maps become
 * flat arrays, sets arrays, doubles bulk strings, booleans integers, nulls
 * `$-1`/`*-1`, pushes arrays.
 *
 * @module
 */

import { formatDouble } from "../util/numbers.ts";
import { IO_BUFFER_SIZE, returnIoBuffer, takeIoBuffer } from "./io_buffers.ts";

/** Once drained, a buffer that grew beyond this is dropped for a fresh small one. */
const SHRINK_ABOVE = 1024 * 1024;

const OK = bytesOf("+OK\r\n");
const CRLF = bytesOf("\r\n");
const NULL_BULK2 = bytesOf("$-1\r\n");
const NULL_ARRAY2 = bytesOf("*-1\r\n");
const NULL3 = bytesOf("_\r\n");
const ZERO = bytesOf(":0\r\n");
const ONE = bytesOf(":1\r\n");
const EMPTY_ARRAY = bytesOf("*0\r\n");
const QUEUED = bytesOf("+QUEUED\r\n");
const PONG = bytesOf("+PONG\r\n");

function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Kinds of aggregate whose length can be written after the elements. */
export type AggregateKind = "array" | "map" | "set" | "push";

const UTF8 = new TextEncoder();

/** Finds a char whose UTF-8 bytes differ from its char code (text without one is ASCII). */
const NON_ASCII = /[\u0080-\uffff]/;

/** Appends RESP replies for one connection. */
export class ReplyWriter {
  /** Protocol version of the connection: 2 or 3. */
  proto: 2 | 3 = 2;
  /** Output bytes `[0, length)` wait to be written. */
  buf: Uint8Array;
  length = 0;
  /** Number of error replies written (the dispatcher reads it for stats). */
  errorCount = 0;
  /** Text of the last error reply, without the leading `-`. */
  lastError = "";
  /** Told about every error reply (the server counts them for `INFO errorstats`). */
  errorSink: ((text: string) => void) | null = null;
  /** A written buffer kept for the next switch (see {@link take}). */
  private spare: Uint8Array | null = null;
  /** The buffer whose bytes {@link take} handed out, until {@link release}. */
  private writing: Uint8Array | null = null;
  /**
   * The last view {@link take} made and its buffer: handed out again when
   * the next output has the same length (replies of one kind often do), as
   * a view is an object of about a hundred bytes. The previous write is
   * over by then: one chunk is out at a time.
   */
  private taken: Uint8Array = new Uint8Array(0);
  private takenOf: Uint8Array | null = null;

  constructor(capacity = IO_BUFFER_SIZE) {
    this.buf = capacity === IO_BUFFER_SIZE ? takeIoBuffer() : new Uint8Array(capacity);
  }

  /**
   * Makes room for `n` more bytes. Every append goes through here, so this is
   * also where output appended while a write is in flight moves to the other
   * buffer (see {@link take}).
   */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length && this.buf !== this.writing) return;
    if (this.buf === this.writing) {
      // Bytes of this buffer are being written: continue on the other one.
      this.buf = this.spare !== null && this.spare.length >= need
        ? this.spare
        : need <= IO_BUFFER_SIZE
        ? takeIoBuffer()
        : new Uint8Array(need);
      this.spare = null;
      return;
    }
    let cap = Math.max(64, this.buf.length * 2);
    while (cap < need) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  /**
   * Hands the pending bytes to the caller (to write to the socket); call
   * {@link release} once they are written. Output appended meanwhile goes to
   * a second buffer, so it never touches bytes being written. The buffer is
   * only switched when that happens (a pub/sub message arriving during a
   * write), not on every write: switching buffers on every write was
   * measured to make V8 allocate in old space and run needless full GCs.
   */
  take(): Uint8Array {
    const buf = this.buf;
    let chunk = this.taken;
    if (this.takenOf !== buf || chunk.length !== this.length) {
      // A view made from the ArrayBuffer: `subarray` looks up a species
      // constructor first, which costs about twice as much per write.
      chunk = new Uint8Array(buf.buffer, buf.byteOffset, this.length);
      this.taken = chunk;
      this.takenOf = buf;
    }
    this.writing = this.buf;
    this.length = 0;
    return chunk;
  }

  /** Marks `chunk`, from {@link take}, as written: its buffer can be reused. */
  release(chunk: Uint8Array): void {
    const written = this.writing;
    if (written === null || chunk.buffer !== written.buffer) {
      throw new Error("ReplyWriter.release: not the chunk handed out by take()");
    }
    this.writing = null;
    if (written !== null && written !== this.buf && written.length <= SHRINK_ABOVE) {
      this.spare = written;
    }
    // A buffer that grew for a large reply is not kept once drained.
    if (this.length === 0 && this.buf.length > SHRINK_ABOVE) {
      this.buf = takeIoBuffer();
    }
  }

  /**
   * Gives the buffers back to the pool when the connection is gone, unless
   * a write still holds one. Anything appended afterwards goes to a fresh
   * buffer, so a late reply can never land in another connection's output.
   */
  recycle(): void {
    if (this.writing !== null) return;
    returnIoBuffer(this.buf);
    if (this.spare !== null) returnIoBuffer(this.spare);
    this.taken = new Uint8Array(0);
    this.takenOf = null;
    this.buf = new Uint8Array(0);
    this.spare = null;
    this.length = 0;
  }

  /** Drops replies written after `mark` (for `CLIENT REPLY OFF|SKIP`). */
  truncate(mark: number): void {
    this.length = mark;
  }

  /** Appends bytes that are already RESP. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    if (n < 16) {
      // A byte loop beats TypedArray#set for the short constant replies (+OK, :1...).
      const buf = this.buf;
      let o = this.length;
      for (let i = 0; i < n; i++) buf[o++] = bytes[i];
      this.length = o;
    } else {
      this.buf.set(bytes, this.length);
      this.length += n;
    }
  }

  /** Appends a latin1 string verbatim (one byte per char; Rift's own text is ASCII). */
  private ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    const buf = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) buf[o++] = text.charCodeAt(i);
    this.length = o;
  }

  private crlf(): void {
    this.ensure(2);
    this.buf[this.length++] = 13;
    this.buf[this.length++] = 10;
  }

  /** Writes `prefix` + decimal `n` + CRLF without allocating. */
  private header(prefix: number, n: number): void {
    this.ensure(24);
    const buf = this.buf;
    let o = this.length;
    buf[o++] = prefix;
    if (n < 0) {
      buf[o++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[o++] = 48 + n;
    } else if (n < 100) {
      buf[o++] = 48 + ((n / 10) | 0);
      buf[o++] = 48 + (n % 10);
    } else if (n <= 0xffffffff && n === Math.floor(n)) {
      // 32-bit integer arithmetic (`>>> 0`) for the common case: lengths, counts.
      let digits = 3;
      for (let t = (n / 1000) >>> 0; t > 0; t = (t / 10) >>> 0) digits++;
      let p = o + digits - 1;
      for (let t = n; p >= o; t = (t / 10) >>> 0) buf[p--] = 48 + (t % 10);
      o += digits;
    } else if (Number.isSafeInteger(n)) {
      let digits = 1;
      for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
      let p = o + digits - 1;
      for (let t = n; p >= o; t = Math.floor(t / 10)) buf[p--] = 48 + (t % 10);
      o += digits;
    } else {
      const text = BigInt(n).toString();
      for (let i = 0; i < text.length; i++) buf[o++] = text.charCodeAt(i);
    }
    buf[o++] = 13;
    buf[o++] = 10;
    this.length = o;
  }

  /** `+OK`. */
  ok(): void {
    this.raw(OK);
  }

  /** `+PONG`. */
  pong(): void {
    this.raw(PONG);
  }

  /** `+QUEUED`. */
  queued(): void {
    this.raw(QUEUED);
  }

  /** A simple string (`+text`); the text must not contain CR or LF. */
  simple(text: string): void {
    this.ensure(text.length + 3);
    this.buf[this.length++] = 43;
    this.ascii(text);
    this.crlf();
  }

  /**
   * An error reply. `text` starts with the error code (`ERR ...`,
   * `WRONGTYPE ...`) and is latin1 (user bytes quoted in it stay bytes);
   * newlines are replaced by spaces as Redis does, so an error can never
   * break the protocol.
   */
  error(text: string): void {
    const clean = text.includes("\r") || text.includes("\n") ? text.replace(/[\r\n]/g, " ") : text;
    this.errorCount++;
    this.lastError = clean;
    this.errorSink?.(clean);
    this.ensure(3);
    this.buf[this.length++] = 45;
    this.ascii(clean);
    this.crlf();
  }

  private rawUnsafe(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** An integer reply (`:n`). Accepts bigints for 64-bit results. */
  integer(n: number | bigint): void {
    if (n === 0) this.raw(ZERO);
    else if (n === 1) this.raw(ONE);
    else if (typeof n === "bigint") this.simpleLine(58, n.toString());
    else this.header(58, n);
  }

  private simpleLine(prefix: number, text: string): void {
    this.ensure(text.length + 3);
    this.buf[this.length++] = prefix;
    this.ascii(text);
    this.crlf();
  }

  /** A bulk string with the given bytes. */
  bulk(bytes: Uint8Array): void {
    const n = bytes.length;
    this.header(36, n);
    this.ensure(n + 2);
    this.buf.set(bytes, this.length);
    this.length += n;
    this.buf[this.length++] = 13;
    this.buf[this.length++] = 10;
  }

  /** A bulk string from `n` bytes of `source` starting at `offset` (slab reads). */
  bulkSlice(source: Uint8Array, offset: number, n: number): void {
    this.header(36, n);
    this.ensure(n + 2);
    const buf = this.buf;
    let o = this.length;
    if (n < 32) {
      for (let i = 0; i < n; i++) buf[o++] = source[offset + i];
    } else {
      buf.set(source.subarray(offset, offset + n), o);
      o += n;
    }
    buf[o++] = 13;
    buf[o++] = 10;
    this.length = o;
  }

  /** A bulk string whose bytes are the char codes of a latin1 string. */
  bulkLatin1(text: string): void {
    const n = text.length;
    this.header(36, n);
    this.ensure(n + 2);
    const buf = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) buf[o++] = text.charCodeAt(i);
    buf[o++] = 13;
    buf[o++] = 10;
    this.length = o;
  }

  /** A bulk string holding UTF-8 text produced by Rift itself (INFO, help). */
  bulkText(text: string): void {
    if (NON_ASCII.test(text)) {
      this.bulk(UTF8.encode(text));
      return;
    }
    this.header(36, text.length);
    this.asciiText(text);
    this.crlf();
  }

  /**
   * Appends ASCII text of any length: long texts (INFO's, built by joining
   * lines) are copied by the encoder in one call, where a loop of
   * `charCodeAt` over a joined string is several times slower.
   */
  private asciiText(text: string): void {
    const n = text.length;
    if (n < 64) {
      this.ascii(text);
      return;
    }
    this.ensure(n);
    UTF8.encodeInto(text, this.buf.subarray(this.length, this.length + n));
    this.length += n;
  }

  /** A bulk string holding the decimal form of a number. */
  bulkNumber(n: number | bigint): void {
    this.bulkLatin1(String(n));
  }

  /** Null bulk: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.proto === 3 ? NULL3 : NULL_BULK2);
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.proto === 3 ? NULL3 : NULL_ARRAY2);
  }

  /** Array header. */
  array(n: number): void {
    if (n === 0) this.raw(EMPTY_ARRAY);
    else this.header(42, n);
  }

  /** Map header for `n` pairs: `%n` in RESP3, `*2n` in RESP2. */
  map(n: number): void {
    if (this.proto === 3) this.header(37, n);
    else this.header(42, n * 2);
  }

  /** Set header: `~n` in RESP3, `*n` in RESP2. */
  set(n: number): void {
    this.header(this.proto === 3 ? 126 : 42, n);
  }

  /** Push header: `>n` in RESP3, `*n` in RESP2 (pub/sub messages). */
  push(n: number): void {
    this.header(this.proto === 3 ? 62 : 42, n);
  }

  /** A double: `,d` in RESP3, a bulk string in RESP2, formatted like `%.17g`. */
  double(d: number): void {
    const text = formatDouble(d);
    if (this.proto === 3) this.simpleLine(44, text);
    else this.bulkLatin1(text);
  }

  /** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  bool(b: boolean): void {
    if (this.proto === 3) this.simpleLine(35, b ? "t" : "f");
    else this.raw(b ? ONE : ZERO);
  }

  /** Verbatim text (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(text: string, format = "txt"): void {
    if (this.proto !== 3) {
      this.bulkText(text);
      return;
    }
    // Rift's text is almost always ASCII: written as it is, no encoded copy.
    const body = NON_ASCII.test(text) ? UTF8.encode(text) : null;
    this.header(61, (body === null ? text.length : body.length) + 4);
    this.ascii(format + ":");
    if (body === null) this.asciiText(text);
    else this.rawUnsafe(body);
    this.crlf();
  }

  /**
   * Starts an aggregate whose length is not known yet. Write the elements,
   * then call {@link endDeferred} with the count.
   */
  beginDeferred(): number {
    return this.length;
  }

  /** Inserts the aggregate header at the position from {@link beginDeferred}. */
  endDeferred(mark: number, kind: AggregateKind, count: number): void {
    const tail = this.buf.slice(mark, this.length);
    this.length = mark;
    if (kind === "array") this.array(count);
    else if (kind === "map") this.map(count);
    else if (kind === "set") this.set(count);
    else this.push(count);
    this.raw(tail);
  }

  /** The CRLF terminator, for callers composing custom frames. */
  static readonly CRLF: Uint8Array = CRLF;
}
