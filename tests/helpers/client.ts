/**
 * A raw RESP test client: sends commands (or raw bytes) over a real TCP
 * connection and decodes replies, keeping their exact bytes so tests can
 * compare byte for byte.
 *
 * @module
 */

import { type Reply, ReplyParser } from "../../src/resp/reply_parser.ts";

/** An argument: text is encoded as UTF-8; bytes are sent as they are. */
export type Arg = string | number | Uint8Array;

const encoder = new TextEncoder();

function argBytes(arg: Arg): Uint8Array {
  return arg instanceof Uint8Array ? arg : encoder.encode(String(arg));
}

/** Encodes a command as a RESP multibulk. */
export function encodeCommand(args: Arg[]): Uint8Array {
  const parts = args.map(argBytes);
  const chunks: Uint8Array[] = [encoder.encode(`*${parts.length}\r\n`)];
  for (const p of parts) {
    chunks.push(encoder.encode(`$${p.length}\r\n`), p, encoder.encode("\r\n"));
  }
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** An error reply, as a value tests can inspect. */
export class ReplyError extends Error {
  override name = "ReplyError";
}

/** Converts bytes to a latin1 string. */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** JS value of a reply: strings (latin1), numbers, arrays, null, Map for maps, ReplyError. */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | null
  | ReplyError
  | Value[]
  | Map<Value, Value>;

/** Converts a decoded reply to a plain JS value. */
export function toValue(reply: Reply): Value {
  switch (reply.type) {
    case "simple":
    case "double":
    case "bignum":
      return reply.text;
    case "error":
      return new ReplyError(reply.text);
    case "integer": {
      const n = Number(reply.value);
      return Number.isSafeInteger(n) ? n : reply.value;
    }
    case "bulk":
      return latin1(reply.value);
    case "verbatim":
      return latin1(reply.value);
    case "null":
    case "nullBulk":
    case "nullArray":
      return null;
    case "bool":
      return reply.value;
    case "array":
    case "set":
    case "push":
      return reply.items.map(toValue);
    case "map":
    case "attribute":
      return new Map(reply.entries.map(([k, v]) => [toValue(k), toValue(v)]));
  }
}

/** A connection to a server that speaks RESP. */
export class RespClient {
  private readonly parser = new ReplyParser();
  private readonly queue: { reply: Reply; raw: Uint8Array }[] = [];
  private waiter: (() => void) | null = null;
  private eof = false;
  private readonly reading: Promise<void>;

  private constructor(readonly conn: Deno.TcpConn) {
    this.reading = this.readLoop();
  }

  /** Connects to `hostname:port`. */
  static async connect(port: number, hostname = "127.0.0.1"): Promise<RespClient> {
    const conn = await Deno.connect({ hostname, port });
    conn.setNoDelay(true);
    return new RespClient(conn);
  }

  private async readLoop(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        this.parser.feed(buf.subarray(0, n));
        for (let r = this.parser.next(); r !== undefined; r = this.parser.next()) {
          this.queue.push(r);
        }
        this.wake();
      }
    } catch {
      // Connection reset or closed by us: treated as end of stream.
    }
    this.eof = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Sends raw bytes (or latin1 text) without waiting for a reply. */
  async writeRaw(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? Uint8Array.from(data, (ch) => ch.charCodeAt(0)) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Sends a command without waiting for its reply. */
  send(...args: Arg[]): Promise<void> {
    return this.writeRaw(encodeCommand(args));
  }

  /** Waits for the next reply (rejects after `timeoutMs`, or at end of stream). */
  async read(timeoutMs = 10_000): Promise<{ reply: Reply; raw: Uint8Array }> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.eof) throw new Error("Connection closed before a reply arrived");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No reply within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return this.queue.shift()!;
  }

  /** True when a reply is already waiting. */
  get hasReply(): boolean {
    return this.queue.length > 0;
  }

  /** Sends a command and returns its decoded reply. */
  async call(...args: Arg[]): Promise<Reply> {
    await this.send(...args);
    return (await this.read()).reply;
  }

  /** Sends a command and returns its reply's exact bytes as a latin1 string. */
  async raw(...args: Arg[]): Promise<string> {
    await this.send(...args);
    return latin1((await this.read()).raw);
  }

  /** Sends a command and returns its reply as a JS value. */
  async value(...args: Arg[]): Promise<Value> {
    return toValue(await this.call(...args));
  }

  /** Resolves true when the server closes the connection within `timeoutMs`. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.eof && Date.now() < deadline) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      });
      clearTimeout(timer);
    }
    return this.eof;
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
    await this.reading;
  }
}
