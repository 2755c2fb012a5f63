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
import { returnIoBuffer, takeIoBuffer } from "./io_buffers.ts";

/** Inline lines and count lines longer than this are protocol errors (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Before AUTH, Redis accepts at most this many arguments per command. */
const UNAUTH_MAX_ARGS = 10;
/** Before AUTH, Redis accepts bulks of at most this many bytes. */
const UNAUTH_MAX_BULK = 16384;
const INT_MAX = 2147483647;
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

/** Arguments whose views {@link RequestParser} reuses (a command name, keys, a value or two). */
const VIEWS_KEPT = 4;
/** A view no argument matches: none starts at offset 0, where its command's `*` line is. */
const NO_VIEW = new Uint8Array(0);

/** Parses the incoming byte stream of one connection into commands. */
export class RequestParser {
  /** Receive buffer; bytes `[start, end)` are unparsed. */
  private buf: Uint8Array = takeIoBuffer();
  private start = 0;
  private end = 0;
  /** Multibulk in progress: arguments still expected (0 = none in progress). */
  private pendingArgs = 0;
  /** Length of the bulk being awaited, or -1 while its `$` line is unread. */
  private bulkLen = -1;
  /** Parse position inside the command in progress. */
  private pos = 0;
  /**
   * Offsets (relative to `start`) and lengths of the arguments parsed so far,
   * as pairs. A typed array reused across commands: resetting a JS array's
   * length would drop its backing store and reallocate it for every command.
   */
  private argOffsets: Float64Array = new Float64Array(32);
  /** Number of pairs used in {@link argOffsets}. */
  private argCount = 0;
  /**
   * The views handed out last for the first arguments, reused when the next
   * command's argument lies at the same place of the same buffer: a client
   * sending one command per read sends it to the buffer's start each time,
   * so its arguments mostly land where the last ones did, and a view costs
   * an object of about a hundred bytes (half of what a GET allocated). A
   * reused view shows the same bytes a new one would; nothing may keep
   * one past its command anyway, as the next read overwrites the buffer.
   */
  private readonly views: Uint8Array[] = new Array<Uint8Array>(VIEWS_KEPT).fill(NO_VIEW);
  /** The buffer behind {@link views}. */
  private viewsOf: ArrayBufferLike | null = null;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received and not yet consumed as commands. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  /**
   * Where the first command not yet returned by {@link next} begins in the
   * receive buffer (a mark for {@link rewind}).
   */
  get commandStart(): number {
    return this.start;
  }

  /**
   * Takes back every command returned since {@link commandStart} was `mark`:
   * they are parsed again from there. Only valid before the next
   * {@link prepareRead}, which may move the bytes.
   */
  rewind(mark: number): void {
    this.start = this.pos = mark;
    this.pendingArgs = 0;
    this.bulkLen = -1;
    this.argCount = 0;
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
      if (this.buf.length > SHRINK_ABOVE) this.buf = takeIoBuffer();
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
    // The common case (everything consumed) reads into the whole buffer: no view to allocate.
    return this.end === 0 ? this.buf : this.buf.subarray(this.end);
  }

  /**
   * Gives the receive buffer back to the pool when the connection is gone.
   * Anything fed afterwards goes to a fresh buffer.
   */
  recycle(): void {
    returnIoBuffer(this.buf);
    this.buf = new Uint8Array(0);
    this.start = this.end = this.pos = 0;
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
      this.argCount = 0;
    }
    // The loop works on locals and stores them back only when it must wait
    // for more bytes: this is the hottest loop of the server.
    const end = this.end;
    const start = this.start;
    let pending = this.pendingArgs;
    let pos = this.pos;
    let bulkLen = this.bulkLen;
    let argc = this.argCount;
    let offsets = this.argOffsets;
    while (pending > 0) {
      if (bulkLen < 0) {
        bulkLen = shortBulkLength(buf, pos, end);
        if (bulkLen >= 0) {
          pos += bulkLineSize(bulkLen);
        } else {
          // Not a short canonical `$<len>\r\n` line: the general path, with
          // Redis's errors. The state is stored first: an error must leave
          // the parser where it is, so that the next call raises it again
          // instead of resuming from an older position.
          this.pendingArgs = pending;
          this.argCount = argc;
          this.pos = pos;
          const next = this.bulkHeader(pos);
          if (next < 0) {
            this.pos = pos;
            this.bulkLen = -1;
            return null;
          }
          pos = next;
          bulkLen = this.bulkLen;
        }
      }
      if (end - pos < bulkLen + 2) {
        this.pendingArgs = pending;
        this.argCount = argc;
        this.pos = pos;
        this.bulkLen = bulkLen;
        return null;
      }
      const slot = argc++ * 2;
      if (slot === offsets.length) offsets = this.growOffsets();
      offsets[slot] = pos - start;
      offsets[slot + 1] = bulkLen;
      pos += bulkLen + 2; // Redis skips the two trailing bytes unchecked
      bulkLen = -1;
      pending--;
    }
    this.pendingArgs = 0;
    this.bulkLen = -1;
    this.argCount = 0;
    this.pos = pos;
    // Views are made from the ArrayBuffer: faster than `subarray`, which
    // looks up a species constructor. The receive buffer starts at offset 0.
    const memory = buf.buffer;
    if (this.viewsOf !== memory) {
      this.viewsOf = memory;
      this.views.fill(NO_VIEW);
    }
    const views = this.views;
    const argv = new Array<Uint8Array>(argc);
    for (let i = 0; i < argc; i++) {
      const offset = start + offsets[2 * i];
      const length = offsets[2 * i + 1];
      if (i < VIEWS_KEPT) {
        const kept = views[i];
        if (kept.byteOffset === offset && kept.length === length) {
          argv[i] = kept;
        } else {
          argv[i] = views[i] = new Uint8Array(memory, offset, length);
        }
      } else {
        argv[i] = new Uint8Array(memory, offset, length);
      }
    }
    this.start = pos;
    return argv;
  }

  /**
   * Parses the `$<len>\r\n` line at `pos` with all of Redis's checks. Sets
   * {@link bulkLen} and returns the position after the line, or -1 when the
   * line is not complete yet. Throws {@link ProtocolError}.
   */
  private bulkHeader(pos: number): number {
    const buf = this.buf;
    const cr = this.findCR(pos);
    if (cr < 0) {
      if (this.end - pos > INLINE_MAX_SIZE) {
        throw new ProtocolError("Protocol error: too big bulk count string");
      }
      return -1;
    }
    if (cr + 1 >= this.end) return -1;
    if (buf[pos] !== 36 /* $ */) {
      throw new ProtocolError(
        `Protocol error: expected '$', got '${String.fromCharCode(buf[pos])}'`,
      );
    }
    const len = parseLine(buf, pos + 1, cr);
    if (Number.isNaN(len) || len < 0 || len > this.limits.protoMaxBulkLen) {
      throw new ProtocolError("Protocol error: invalid bulk length");
    }
    if (len > UNAUTH_MAX_BULK && this.limits.authRequired) {
      throw new ProtocolError("Protocol error: unauthenticated bulk length");
    }
    this.bulkLen = len;
    return cr + 2;
  }

  /** Doubles {@link argOffsets}: it grows with the arguments actually received. */
  private growOffsets(): Float64Array {
    const grown = new Float64Array(this.argOffsets.length * 2);
    grown.set(this.argOffsets);
    this.argOffsets = grown;
    return grown;
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
 * Fast path for the `$<len>\r\n` line at `pos`: returns the length when the
 * line is complete, canonical (no sign, no leading zero) and at most
 * {@link UNAUTH_MAX_BULK}, so no limit can reject it. Returns -1 for anything
 * else, which the general path then parses or rejects with Redis's errors.
 */
function shortBulkLength(buf: Uint8Array, pos: number, end: number): number {
  if (pos + 3 >= end || buf[pos] !== 36 /* $ */) return -1;
  let i = pos + 1;
  const first = buf[i] - 48;
  if (first === 0) return buf[i + 1] === CR && i + 2 < end ? 0 : -1;
  if (first < 0 || first > 9) return -1;
  let n = first;
  for (i++; i < pos + 6 && i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (i + 1 >= end || buf[i] !== CR || n > UNAUTH_MAX_BULK) return -1;
  return n;
}

/** Size of the `$<len>\r\n` line of a length accepted by {@link shortBulkLength}. */
function bulkLineSize(len: number): number {
  return len < 10 ? 4 : len < 100 ? 5 : len < 1000 ? 6 : len < 10000 ? 7 : 8;
}

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
