/**
 * Incremental request parser for RESP multibulk and inline commands.
 *
 * Bytes are read straight into the parser's own buffer. Complete commands
 * come out as arrays of views into that buffer ("borrowed" arguments): they
 * are valid until the next {@link RequestParser.prepareRead}, so anything
 * kept longer (queued `MULTI` commands, blocked commands, stored values) must
 * be copied. A partially received command keeps its parse state, so a 100 MB
 * bulk arriving in small chunks is never rescanned.
 *
 * @module
 */

import { splitInlineArgs } from "./inline.ts";

/** Inline lines and count lines longer than this are protocol errors (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Before AUTH, Redis accepts at most this many arguments per command. */
const UNAUTH_MAX_ARGS = 10;
/** Before AUTH, Redis accepts bulks of at most this many bytes. */
const UNAUTH_MAX_BULK = 16384;
const INT_MAX = 2147483647;
const INITIAL_CAPACITY = 16 * 1024;
/** A buffer that grew past this is replaced by a small one once drained. */
const SHRINK_ABOVE = 1024 * 1024;

/** A malformed request: the connection gets `-ERR <message>` and is closed. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** Raised when the query buffer exceeds `client-query-buffer-limit`: closed without a reply. */
export class QueryBufferLimitError extends Error {
  override name = "QueryBufferLimitError";
}

/** Limits the parser enforces; read on every command so CONFIG SET applies at once. */
export interface ParserLimits {
  /** `proto-max-bulk-len`. */
  protoMaxBulkLen: number;
  /** `client-query-buffer-limit`. */
  queryBufferLimit: number;
  /** True while the connection must still authenticate (smaller limits apply). */
  authRequired: boolean;
}

const CR = 13;
const NUL = 0;

/** Parses the incoming byte stream of one connection into commands. */
export class RequestParser {
  /** Receive buffer; bytes `[start, end)` are unparsed. */
  private buf: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  private start = 0;
  private end = 0;
  /** Multibulk in progress: arguments still expected (0 = none in progress). */
  private pendingArgs = 0;
  /** Length of the bulk being awaited, or -1 while its `$` line is unread. */
  private bulkLen = -1;
  /** Parse position inside the command in progress. */
  private pos = 0;
  /** Offsets (relative to `start`) and lengths of arguments already parsed. */
  private argOffsets: number[] = [];

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received and not yet consumed as commands. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  /** Capacity of the receive buffer (for `CLIENT LIST qbuf`/`qbuf-free`). */
  get capacity(): number {
    return this.buf.length;
  }

  /**
   * Returns the free region to read into. Moves the unparsed tail to the
   * front and grows the buffer (doubling, never to more than what is really
   * needed) so a read always has room.
   */
  prepareRead(): Uint8Array {
    const unparsed = this.end - this.start;
    if (unparsed === 0) {
      this.start = this.end = this.pos = 0;
      if (this.buf.length > SHRINK_ABOVE) this.buf = new Uint8Array(INITIAL_CAPACITY);
    } else if (
      this.start > 0 && (this.end === this.buf.length || this.start > this.buf.length / 2)
    ) {
      this.buf.copyWithin(0, this.start, this.end);
      this.pos -= this.start;
      this.end = unparsed;
      this.start = 0;
    }
    if (this.end === this.buf.length) {
      let wanted = this.buf.length * 2;
      if (this.bulkLen >= 0) {
        // Grow toward the announced bulk but only as data actually arrives.
        const needed = this.pos + this.bulkLen + 2;
        if (needed > this.buf.length) wanted = Math.min(wanted, needed);
      }
      const grown = new Uint8Array(Math.max(wanted, this.buf.length + 1));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    return this.buf.subarray(this.end);
  }

  /** Records that `n` bytes were read into the region from {@link prepareRead}. */
  commit(n: number): void {
    this.end += n;
    if (this.end - this.start > this.limits.queryBufferLimit) {
      throw new QueryBufferLimitError("query buffer limit reached");
    }
  }

  /** Appends bytes from elsewhere (tests, AOF replay) as if they had been read. */
  feed(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      const region = this.prepareRead();
      const n = Math.min(region.length, bytes.length - off);
      region.set(bytes.subarray(off, off + n));
      this.commit(n);
      off += n;
    }
  }

  /**
   * Returns the next complete command, or null when more bytes are needed.
   * Empty commands (`*0`, blank inline lines) are skipped. Throws
   * {@link ProtocolError} on malformed input.
   */
  next(): Uint8Array[] | null {
    while (this.start < this.end) {
      if (this.pendingArgs === 0 && this.buf[this.start] !== 42 /* * */) {
        const argv = this.nextInline();
        if (argv === null) return null;
        if (argv.length > 0) return argv;
        continue;
      }
      const argv = this.nextMultibulk();
      if (argv === null) return null;
      if (argv.length > 0) return argv;
    }
    return null;
  }

  /** Finds the `\r` ending a line; -1 if absent (a NUL ends the search like C's strchr). */
  private findCR(from: number): number {
    const buf = this.buf;
    const end = this.end;
    for (let i = from; i < end; i++) {
      const b = buf[i];
      if (b === CR) return i;
      if (b === NUL) return -1;
    }
    return -1;
  }

  private nextMultibulk(): Uint8Array[] | null {
    const buf = this.buf;
    if (this.pendingArgs === 0) {
      const cr = this.findCR(this.start);
      if (cr < 0) {
        if (this.end - this.start > INLINE_MAX_SIZE) {
          throw new ProtocolError("Protocol error: too big mbulk count string");
        }
        return null;
      }
      if (cr + 1 >= this.end) return null; // the \n is not here yet
      const count = parseLine(buf, this.start + 1, cr);
      if (Number.isNaN(count) || count > INT_MAX) {
        throw new ProtocolError("Protocol error: invalid multibulk length");
      }
      if (count > UNAUTH_MAX_ARGS && this.limits.authRequired) {
        throw new ProtocolError("Protocol error: unauthenticated multibulk length");
      }
      if (count <= 0) {
        this.start = cr + 2;
        return EMPTY_ARGV;
      }
      this.pendingArgs = count;
      this.bulkLen = -1;
      this.pos = cr + 2;
      this.argOffsets.length = 0;
    }
    while (this.pendingArgs > 0) {
      if (this.bulkLen < 0) {
        const cr = this.findCR(this.pos);
        if (cr < 0) {
          if (this.end - this.pos > INLINE_MAX_SIZE) {
            throw new ProtocolError("Protocol error: too big bulk count string");
          }
          return null;
        }
        if (cr + 1 >= this.end) return null;
        if (buf[this.pos] !== 36 /* $ */) {
          throw new ProtocolError(
            `Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`,
          );
        }
        const len = parseLine(buf, this.pos + 1, cr);
        if (Number.isNaN(len) || len < 0 || len > this.limits.protoMaxBulkLen) {
          throw new ProtocolError("Protocol error: invalid bulk length");
        }
        if (len > UNAUTH_MAX_BULK && this.limits.authRequired) {
          throw new ProtocolError("Protocol error: unauthenticated bulk length");
        }
        this.bulkLen = len;
        this.pos = cr + 2;
      }
      if (this.end - this.pos < this.bulkLen + 2) return null;
      this.argOffsets.push(this.pos - this.start, this.bulkLen);
      this.pos += this.bulkLen + 2; // Redis skips the two trailing bytes unchecked
      this.bulkLen = -1;
      this.pendingArgs--;
    }
    const offsets = this.argOffsets;
    const argc = offsets.length >> 1;
    const argv = new Array<Uint8Array>(argc);
    const base = this.start;
    for (let i = 0; i < argc; i++) {
      const off = base + offsets[2 * i];
      argv[i] = buf.subarray(off, off + offsets[2 * i + 1]);
    }
    this.start = this.pos;
    return argv;
  }

  private nextInline(): Uint8Array[] | null {
    const buf = this.buf;
    let nl = -1;
    for (let i = this.start; i < this.end; i++) {
      const b = buf[i];
      if (b === 10) {
        nl = i;
        break;
      }
      if (b === NUL) break;
    }
    if (nl < 0) {
      if (this.end - this.start > INLINE_MAX_SIZE) {
        throw new ProtocolError("Protocol error: too big inline request");
      }
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.start && buf[lineEnd - 1] === CR) lineEnd--;
    const argv = splitInlineArgs(buf.subarray(this.start, lineEnd));
    if (argv === null) throw new ProtocolError("Protocol error: unbalanced quotes in request");
    this.start = nl + 1;
    this.pos = this.start;
    return argv;
  }
}

const EMPTY_ARGV: Uint8Array[] = [];

/**
 * Parses the decimal number of a `*`/`$` line with `string2ll`'s strictness.
 * Returns NaN when the text is not a canonical 64-bit integer.
 */
function parseLine(buf: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len <= 0 || len > 20) return NaN;
  let i = from;
  let negative = false;
  if (buf[i] === 45) {
    if (len === 1) return NaN;
    negative = true;
    i++;
  }
  if (buf[i] === 48) return to - i === 1 ? 0 : NaN;
  let v = 0;
  for (; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  // Beyond 2^53 precision does not matter: such values fail every limit check.
  if (v > 9223372036854775807) return NaN;
  return negative ? -v : v;
}
