/**
 * Parser for RESP2/RESP3 *replies* (the server-to-client direction). Rift
 * uses it to render replies for people in human mode; the tests use it as
 * their client-side decoder.
 *
 * @module
 */

/** A decoded reply. Strings are kept as bytes; `text` is the latin1 view for convenience. */
export type Reply =
  | { type: "simple"; text: string }
  | { type: "error"; text: string }
  | { type: "integer"; value: bigint }
  | { type: "bulk"; value: Uint8Array }
  | { type: "null" }
  | { type: "nullBulk" }
  | { type: "nullArray" }
  | { type: "array"; items: Reply[] }
  | { type: "map"; entries: [Reply, Reply][] }
  | { type: "set"; items: Reply[] }
  | { type: "push"; items: Reply[] }
  | { type: "attribute"; entries: [Reply, Reply][] }
  | { type: "double"; text: string }
  | { type: "bool"; value: boolean }
  | { type: "verbatim"; format: string; value: Uint8Array }
  | { type: "bignum"; text: string };

/** Thrown when the bytes are not valid RESP. */
export class ReplyFormatError extends Error {
  override name = "ReplyFormatError";
}

const NEED_MORE = Symbol("need more");

/** Decodes a stream of replies. */
export class ReplyParser {
  private buf = new Uint8Array(0);
  private pos = 0;

  /** Adds received bytes. */
  feed(bytes: Uint8Array): void {
    const rest = this.buf.subarray(this.pos);
    const merged = new Uint8Array(rest.length + bytes.length);
    merged.set(rest);
    merged.set(bytes, rest.length);
    this.buf = merged;
    this.pos = 0;
  }

  /** Bytes received and not yet decoded. */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  /**
   * Returns the next complete reply with its raw bytes, or undefined when
   * more bytes are needed.
   */
  next(): { reply: Reply; raw: Uint8Array } | undefined {
    const start = this.pos;
    const reply = this.parse();
    if (reply === NEED_MORE) {
      this.pos = start;
      return undefined;
    }
    return { reply, raw: this.buf.slice(start, this.pos) };
  }

  private line(): string | typeof NEED_MORE {
    const buf = this.buf;
    for (let i = this.pos; i + 1 < buf.length; i++) {
      if (buf[i] === 13 && buf[i + 1] === 10) {
        let s = "";
        for (let j = this.pos; j < i; j++) s += String.fromCharCode(buf[j]);
        this.pos = i + 2;
        return s;
      }
    }
    return NEED_MORE;
  }

  private parse(): Reply | typeof NEED_MORE {
    if (this.pos >= this.buf.length) return NEED_MORE;
    const kind = String.fromCharCode(this.buf[this.pos++]);
    const line = this.line();
    if (line === NEED_MORE) return NEED_MORE;
    switch (kind) {
      case "+":
        return { type: "simple", text: line };
      case "-":
        return { type: "error", text: line };
      case ":":
        return { type: "integer", value: BigInt(line) };
      case ",":
        return { type: "double", text: line };
      case "#":
        return { type: "bool", value: line === "t" };
      case "_":
        return { type: "null" };
      case "(":
        return { type: "bignum", text: line };
      case "$":
      case "=":
      case "!": {
        const n = Number(line);
        if (n < 0) return { type: "nullBulk" };
        if (this.buf.length - this.pos < n + 2) return NEED_MORE;
        const value = this.buf.slice(this.pos, this.pos + n);
        this.pos += n + 2;
        if (kind === "$") return { type: "bulk", value };
        if (kind === "!") return { type: "error", text: latin1Of(value) };
        return { type: "verbatim", format: latin1Of(value.subarray(0, 3)), value: value.slice(4) };
      }
      case "*":
      case "~":
      case ">": {
        const n = Number(line);
        if (n < 0) return { type: "nullArray" };
        const items: Reply[] = [];
        for (let i = 0; i < n; i++) {
          const item = this.parse();
          if (item === NEED_MORE) return NEED_MORE;
          items.push(item);
        }
        if (kind === "*") return { type: "array", items };
        if (kind === "~") return { type: "set", items };
        return { type: "push", items };
      }
      case "%":
      case "|": {
        const n = Number(line);
        const entries: [Reply, Reply][] = [];
        for (let i = 0; i < n; i++) {
          const k = this.parse();
          if (k === NEED_MORE) return NEED_MORE;
          const v = this.parse();
          if (v === NEED_MORE) return NEED_MORE;
          entries.push([k, v]);
        }
        return kind === "%" ? { type: "map", entries } : { type: "attribute", entries };
      }
      default:
        throw new ReplyFormatError(`Unexpected reply type byte '${kind}'`);
    }
  }
}

function latin1Of(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
