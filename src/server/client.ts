/**
 * One client connection: its read loop, request parser, reply buffer and
 * per-connection state (selected database, protocol, transaction, pub/sub
 * subscriptions, blocking state).
 *
 * The read loop reads as much as is available, executes every complete
 * command in it synchronously, then writes all replies with one write. It
 * is a chain of callbacks (readNext → onRead → Server.executeSoon →
 * afterExecute → readNext), not an async function: a resumed frame per
 * await is a cost every request pays.
 * Replies produced for this client by *other* clients (pub/sub messages,
 * a push that unblocks it) are flushed with {@link Client.scheduleFlush}.
 *
 * @module
 */

import { ProtocolError, QueryBufferLimitError, RequestParser } from "../resp/parser.ts";
import { ReplyWriter } from "../resp/writer.ts";
import type { Database } from "../store/database.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Server } from "./server.ts";
import type { WatchedKey } from "./watch.ts";
import type { ClientSocket } from "./client_socket.ts";

/** Most commands of a pipeline parsed and warmed together (see Client.fillBatch). */
const BATCH_MAX = 16;

/** A command queued by `MULTI` (arguments copied). */
export interface QueuedCommand {
  spec: CommandSpec;
  argv: Uint8Array[];
}

/** What a blocked client waits for. */
export interface BlockedState {
  spec: CommandSpec;
  /** The blocking command's arguments, copied. */
  argv: Uint8Array[];
  db: Database;
  /** Keys waited on, as latin1 strings. */
  keys: string[];
  /** Absolute deadline in ms (0 = forever). */
  deadline: number;
  /** Reply written on timeout: a null array (BLPOP...) or a null bulk (BLMOVE...). */
  timeoutReply: "nullArray" | "nullBulk";
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A protocol other than RESP spoken on a connection (human mode), chosen
 * from the connection's first bytes. It turns received bytes into commands
 * and the RESP reply stream into the bytes sent back.
 */
export interface ConnectionProtocol {
  /** Takes received bytes (copying what it keeps). */
  receive(bytes: Uint8Array): void;
  /** The next command to execute, or null when none is complete. */
  next(): Uint8Array[] | null;
  /** Converts pending RESP output (whole replies) into the bytes to send. */
  render(resp: Uint8Array): Uint8Array;
}

/** Offers a protocol for a connection from its first bytes; null keeps RESP. */
export type ProtocolDetector = (c: Client, firstBytes: Uint8Array) => ConnectionProtocol | null;

/**
 * `CLIENT REPLY` modes. `SKIP_NEXT` is set by `CLIENT REPLY SKIP` and turns
 * into `SKIP` for the command after it, whose reply is then dropped.
 */
export const ReplyMode = { ON: 0, OFF: 1, SKIP_NEXT: 2, SKIP: 3 } as const;

/** Per-connection state and I/O. */
export class Client {
  readonly id: number;
  readonly out: ReplyWriter = new ReplyWriter();
  readonly parser: RequestParser;
  /** Selected database. */
  db: Database;
  /** `CLIENT SETNAME` name (latin1). */
  name = "";
  /** `CLIENT SETINFO LIB-NAME`. */
  libName = "";
  /** `CLIENT SETINFO LIB-VER`. */
  libVersion = "";
  /** Remote address `ip:port`. */
  readonly addr: string;
  /** Local address `ip:port`. */
  readonly laddr: string;
  /** Creation time in ms. */
  readonly createdAt: number;
  /** Last time a command was read, in ms. */
  lastInteraction: number;
  /** True once AUTH succeeded (or when no password is required). */
  authenticated: boolean;
  /** Authenticated user name. */
  user = "default";
  /** Name of the last command executed (`CLIENT LIST cmd=`). */
  lastCommand = "NULL";

  /** Close once the pending replies are written (QUIT, protocol errors). */
  closeAfterReply = false;
  /** The connection is gone or going. */
  closed = false;
  /** `CLIENT REPLY` mode (see {@link ReplyMode}). */
  replyMode = 0;
  /** `CLIENT NO-EVICT on`. */
  noEvict = false;
  /** `CLIENT NO-TOUCH on`. */
  noTouch = false;

  /** Commands queued since MULTI, or null outside a transaction. */
  multi: QueuedCommand[] | null = null;
  /** A command was rejected while queuing: EXEC must fail with EXECABORT. */
  multiFailed = false;
  /** True while EXEC runs this client's queued commands. */
  inExec = false;
  /** Keys this client watches (see WatchRegistry). */
  readonly watched: WatchedKey[] = [];
  /** A watched key was modified: EXEC returns a null array. */
  watchDirty = false;

  /** Subscribed channels (latin1). */
  readonly channels = new Set<string>();
  /** Subscribed patterns (latin1). */
  readonly patterns = new Set<string>();
  /** Subscribed shard channels (latin1). */
  readonly shardChannels = new Set<string>();

  /** Set while the client waits in a blocking command. */
  blocked: BlockedState | null = null;
  /** True while a blocked command is re-executed because a key became ready. */
  reprocessingBlocked = false;
  /** A command held back by CLIENT PAUSE (arguments copied). */
  postponed: Uint8Array[] | null = null;

  /**
   * Commands to log to the AOF/replicas instead of the one executed (set by
   * handlers that rewrite, e.g. EXPIRE → PEXPIREAT); null = the command as sent.
   */
  propagateOverride: Uint8Array[][] | null = null;
  /** Propagate the command even if it changed nothing (FLUSHALL on an empty dataset). */
  forcePropagation = false;

  /** The protocol the connection speaks when it is not RESP (see {@link ProtocolDetector}). */
  protocol: ConnectionProtocol | null = null;
  private awaitingFirstBytes = true;

  /** The chunk of output being written (from `out.take()`), or null when no write is running. */
  private writingChunk: Uint8Array | null = null;
  /** The bytes on the wire for {@link writingChunk} (rendered by another protocol) and how many went. */
  private wire: Uint8Array = EMPTY;
  private wireSent = 0;
  /** Callers of {@link flush} waiting for the output to be written. */
  private flushWaiters: (() => void)[] | null = null;
  private flushScheduled = false;
  /** When the output first went over the soft limit (0 = not over). */
  private softLimitSince = 0;

  constructor(
    readonly server: Server,
    private readonly conn: ClientSocket | null,
    options: { id: number; db: Database; authenticated: boolean },
  ) {
    this.id = options.id;
    this.db = options.db;
    this.authenticated = options.authenticated;
    // The server's clock (a test's ManualClock too), read fresh: the cached
    // batch time may be old when a connection arrives at an idle server.
    this.createdAt = server.keyspace.clock.now();
    this.lastInteraction = this.createdAt;
    this.addr = conn ? formatAddr(conn.remoteAddr) : "";
    this.laddr = conn ? formatAddr(conn.localAddr) : "";
    this.parser = new RequestParser(server.parserLimitsFor(this));
  }

  /** Protocol version of the connection. */
  get proto(): 2 | 3 {
    return this.out.proto;
  }

  /** True when subscribed to any channel, pattern or shard channel. */
  get subscribed(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** Total subscriptions, as SUBSCRIBE replies count them. */
  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Output bytes waiting (buffered plus in flight). */
  get pendingOutput(): number {
    // The chunk being written is in flight until the socket confirms all of it.
    const inFlight = this.writingChunk === null ? 0 : this.writingChunk.length;
    return this.out.length + inFlight;
  }

  /** Where the read in flight puts its bytes. */
  private readRegion: Uint8Array = EMPTY;
  /** Resolves the promise {@link run} returned; null once the connection is done. */
  private ended: (() => void) | null = null;

  /**
   * Reads and executes commands until the connection closes; resolves then.
   * A chain of callbacks, not an async loop: a read's bytes wait for the
   * turn's runner (Server.executeSoon), which calls {@link afterExecute},
   * and awaiting it would cost every request a promise reaction and a
   * resumed frame.
   */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.ended = resolve;
      this.readNext();
    });
  }

  /** Starts the next read (a callback too: it also runs when a flush finishes). */
  private readonly readNext = (): void => {
    try {
      const region = this.parser.prepareRead();
      this.readRegion = region;
      this.conn!.read(region, this.onRead, this.end);
    } catch (e) {
      this.end(e);
    }
  };

  /** A read finished: `n` bytes came, or none when the peer closed its side. */
  private readonly onRead = (n: number): void => {
    try {
      if (n === 0) {
        // Replies to what came before the end of the stream still go out:
        // closing the connection now would cancel a write still in flight.
        this.flush().then(this.end);
        return;
      }
      this.server.stats.totalNetInputBytes += n;
      this.server.stats.totalReadsProcessed++;
      this.lastInteraction = this.server.keyspace.now;
      const region = this.readRegion;
      if (this.awaitingFirstBytes) this.detectProtocol(region.subarray(0, n));
      // Another protocol takes the bytes; the parser's empty buffer is just the read buffer.
      if (this.protocol !== null) this.protocol.receive(region.subarray(0, n));
      else this.parser.commit(n);
      // Runs once every connection read in this turn has its bytes (see
      // Server.executeSoon), which then calls afterExecute.
      this.server.executeSoon(this);
    } catch (e) {
      this.end(e);
    }
  };

  /**
   * The server ran the commands of this client's read, with those of every
   * connection read in the same turn: the replies are queued and the next
   * read starts, or the connection ends. Clients without a read loop (AOF
   * replay, tests) are left as they are, `executionError` included.
   */
  afterExecute(): void {
    if (this.ended === null) return;
    if (this.executionError !== null) {
      const error = this.executionError;
      this.executionError = null;
      return this.end(error);
    }
    try {
      if (this.closeAfterReply || this.closed) {
        this.flush().then(this.end);
        return;
      }
      if (this.out.length === 0) return this.readNext();
      // The next read need not wait for this write: a client waiting for
      // its reply sends nothing meanwhile. One that keeps sending while its
      // replies are still being written waits for the socket, which keeps
      // its unsent replies to what one read produced.
      if (this.writingChunk !== null) {
        this.flush().then(this.readNext);
        return;
      }
      // Replies go out together once every connection read in this turn
      // of the event loop has run its commands (see Server.queueWrite).
      this.server.queueWrite(this);
      this.readNext();
    } catch (e) {
      this.end(e);
    }
  }

  /** The connection is done: `e` is why (undefined: the peer closed it). */
  private readonly end = (e?: unknown): void => {
    const ended = this.ended;
    if (ended === null) return;
    this.ended = null;
    if (e instanceof QueryBufferLimitError) {
      this.server.stats.clientQueryBufferLimitDisconnections++;
      this.server.log.warning(
        `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`,
      );
    } else if (e !== undefined && !isDisconnect(e)) {
      this.server.log.warning(`Client id=${this.id} addr=${this.addr} failed: ${e}`);
    }
    this.closed = true;
    try {
      this.conn!.close();
    } catch {
      // Already closed.
    }
    this.server.clientClosed(this);
    // Nothing reads this connection's buffers any more: the next connection can have them.
    this.parser.recycle();
    this.out.recycle();
    ended();
  };

  private detectProtocol(firstBytes: Uint8Array): void {
    this.awaitingFirstBytes = false;
    for (const detect of this.server.protocolDetectors) {
      this.protocol = detect(this, firstBytes);
      if (this.protocol !== null) return;
    }
  }

  /**
   * Parses the first command waiting in the receive buffer ahead of
   * {@link processInput}, which then runs it first, so the server can warm
   * the caches for the keys of every connection's next command before
   * running any (Server.executeSoon). Null when there is none, or when this
   * client would not run it now (blocked, paused, closing, another protocol).
   * A protocol error leaves the parser where it was (tests/unit/parser_test.ts
   * checks it), so processInput meets it again in its turn and reports it.
   */
  parseAhead(): Uint8Array[] | null {
    if (
      !this.runnable || this.protocol !== null || this.postponed !== null ||
      this.parsedAhead !== null
    ) return null;
    try {
      this.parsedAhead = this.parser.next();
    } catch {
      // Left for processInput, which parses again and reports it.
    }
    return this.parsedAhead;
  }

  /**
   * The command {@link parseAhead} took from the receive buffer: views into
   * it, valid until the next read, which comes only after processInput ran.
   */
  private parsedAhead: Uint8Array[] | null = null;
  /** What {@link processInput} threw when the server ran it for this client's read loop. */
  executionError: unknown = null;

  /**
   * Commands of a pipeline parsed together before any of them runs, so that
   * the server warms the keys of the whole batch at once (see
   * {@link fillBatch}): the first {@link batchCount} slots, of which those
   * from {@link batchNext} on have not run yet (slot 0, the first, runs at
   * once). Views into the receive buffer, valid until the next read;
   * {@link batchStarts} holds where each began there, so the ones left when
   * the client stops running commands (it blocked, must close, or its
   * limits changed) are put back.
   */
  private readonly batch: (Uint8Array[] | undefined)[] = [];
  private readonly batchStarts = new Float64Array(BATCH_MAX);
  private batchNext = 0;
  private batchCount = 0;

  /** True while this client runs the commands it receives: not blocked, not closing. */
  private get runnable(): boolean {
    return this.blocked === null && !this.closeAfterReply && !this.closed;
  }

  /** The next command: the one parsed ahead, else the next of the batch or the buffer. */
  private nextCommand(): Uint8Array[] | null {
    if (this.parsedAhead !== null) {
      const argv = this.parsedAhead;
      this.parsedAhead = null;
      return argv;
    }
    if (this.protocol !== null) return this.protocol.next();
    if (this.batchNext < this.batchCount) {
      const argv = this.batch[this.batchNext]!;
      this.batch[this.batchNext++] = undefined;
      return argv;
    }
    return this.fillBatch();
  }

  /**
   * Parses the next command and, when the buffer holds more (a pipeline)
   * and the database is large, up to {@link BATCH_MAX} in all, then has the
   * first key of each warmed together: a lookup in a large keyspace waits on
   * three dependent cache misses, and this way the misses of the whole batch
   * are in flight at once instead of one command after another. Returns the
   * first; the others wait in {@link batch}. A protocol error in a later
   * command stops the batch before it and is met again, and reported, in
   * its turn.
   */
  private fillBatch(): Uint8Array[] | null {
    const first = this.parser.next();
    if (first === null || !this.parsesAhead() || !this.server.warmsKeysIn(this.db)) return first;
    const batch = this.batch;
    batch[0] = first;
    let n = 1;
    while (n < BATCH_MAX) {
      const start = this.parser.commandStart;
      let argv: Uint8Array[] | null = null;
      try {
        argv = this.parser.next();
      } catch {
        break;
      }
      if (argv === null) break;
      batch[n] = argv;
      this.batchStarts[n] = start;
      n++;
    }
    if (n > 1) this.server.warmFirstKeys(this.db, batch, n);
    batch[0] = undefined;
    this.batchNext = 1;
    this.batchCount = n;
    return first;
  }

  /**
   * Whether commands may be parsed before the ones ahead of them ran: not
   * while the connection must still authenticate, as its parser's limits
   * are smaller until then (AUTH in a pipeline lifts them for what follows).
   */
  private parsesAhead(): boolean {
    return this.authenticated || !this.server.authRequired();
  }

  /** Puts the commands of the batch that did not run back into the receive buffer. */
  private putBackBatch(): void {
    if (this.batchNext >= this.batchCount) return;
    if (!this.closed) this.parser.rewind(this.batchStarts[this.batchNext]);
    for (let i = this.batchNext; i < this.batchCount; i++) this.batch[i] = undefined;
    this.batchNext = this.batchCount = 0;
  }

  /** Bytes received and not run yet (`CLIENT LIST qbuf`), batched commands included. */
  get queryBufferBytes(): number {
    const waiting = this.batchNext < this.batchCount
      ? this.parser.commandStart - this.batchStarts[this.batchNext]
      : 0;
    return this.parser.pendingBytes + waiting;
  }

  /**
   * Executes every complete command in the receive buffer, stopping early
   * when the client blocks, is paused, or must close.
   */
  processInput(): void {
    this.server.beginBatch();
    try {
      this.runInput();
    } finally {
      this.putBackBatch();
    }
  }

  private runInput(): void {
    if (this.postponed !== null) {
      if (this.server.isPausedFor(this.postponed)) return;
      const argv = this.postponed;
      this.postponed = null;
      this.server.execute(this, argv);
    }
    while (this.runnable) {
      let argv: Uint8Array[] | null;
      try {
        argv = this.nextCommand();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.out.error("ERR " + e.message);
        this.server.stats.countError("ERR");
        this.server.log.verbose(
          `Protocol error (${e.message}) from client id=${this.id} addr=${this.addr}`,
        );
        this.closeAfterReply = true;
        return;
      }
      if (argv === null) return;
      if (this.server.isPausedFor(argv)) {
        this.postponed = argv.map((a) => a.slice());
        return;
      }
      this.server.execute(this, argv);
      // RESET may have made the connection authenticate again.
      if (this.batchNext < this.batchCount && !this.parsesAhead()) this.putBackBatch();
    }
  }

  /** Writes all pending output; resolves when the socket took it. */
  flush(): Promise<void> {
    this.startWrite();
    if (this.writingChunk === null) return RESOLVED;
    return new Promise((resolve) => (this.flushWaiters ??= []).push(resolve));
  }

  /**
   * Writes pending output unless a write is running: one chunk at a time,
   * continuing from each write's completion until the output is empty.
   * Callbacks rather than an async function: this runs for every reply, and
   * an async function costs a promise, a suspended frame and their garbage
   * per call.
   */
  startWrite(): void {
    if (this.writingChunk !== null) return;
    if (this.out.length === 0 || this.conn === null || this.closed) {
      this.wakeFlushWaiters();
      return;
    }
    const chunk = this.out.take();
    this.writingChunk = chunk;
    // Replies may only leave once what they acknowledge is durable (AOF fsync).
    const gate = this.server.replyGate?.() ?? null;
    if (gate !== null) gate.then(this.sendChunk, this.writeFailed);
    else this.sendChunk();
  }

  // Each step catches what it throws: nothing awaits these callbacks, and an
  // error escaping one would be an unhandled rejection, fatal to the server.
  private readonly sendChunk = (): void => {
    try {
      if (this.closed) return this.writeFailed();
      const chunk = this.writingChunk!;
      this.wire = this.protocol !== null ? this.protocol.render(chunk) : chunk;
      this.wireSent = 0;
      this.conn!.write(this.wire, this.wrote, this.writeFailed);
    } catch {
      this.writeFailed();
    }
  };

  private readonly wrote = (n: number): void => {
    try {
      const wire = this.wire;
      this.wireSent += n;
      if (this.wireSent < wire.length) {
        if (this.closed) return this.writeFailed();
        this.conn!.write(wire.subarray(this.wireSent), this.wrote, this.writeFailed);
        return;
      }
      this.server.stats.totalNetOutputBytes += wire.length;
      this.server.stats.totalWritesProcessed++;
      this.out.release(this.writingChunk!);
      this.endWrite();
      this.startWrite();
    } catch {
      this.writeFailed();
    }
  };

  /** A failed write (or one left behind by closing): the connection is done. */
  private readonly writeFailed = (): void => {
    this.endWrite();
    this.kill();
    this.wakeFlushWaiters();
  };

  private endWrite(): void {
    this.writingChunk = null;
    this.wire = EMPTY;
  }

  private wakeFlushWaiters(): void {
    const waiters = this.flushWaiters;
    if (waiters === null) return;
    this.flushWaiters = null;
    for (const wake of waiters) wake();
  }

  /**
   * Flushes soon, for output produced outside this client's own read loop
   * (pub/sub messages, being unblocked by another client's push).
   */
  scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      void this.flush().then(() => {
        if (this.closeAfterReply) this.kill();
      });
    });
  }

  /**
   * Enforces `client-output-buffer-limit` for this client's class: past the
   * hard limit, or over the soft limit for longer than its seconds, the
   * client is disconnected. Returns true when it was.
   */
  checkOutputLimits(): boolean {
    const limits = this.server.outputLimitsFor(this);
    if (limits === null) return false;
    const pending = this.pendingOutput;
    let over = limits.hard > 0 && pending > limits.hard;
    if (!over && limits.soft > 0 && pending > limits.soft) {
      const now = this.server.keyspace.now;
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince > limits.softSeconds * 1000) over = true;
    } else if (!over) {
      this.softLimitSince = 0;
    }
    if (over) {
      this.server.stats.clientOutputBufferLimitDisconnections++;
      this.server.log.warning(
        `Client id=${this.id} addr=${this.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`,
      );
      this.kill();
    }
    return over;
  }

  /** Closes the connection at once, dropping pending output. */
  kill(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn?.close();
    } catch {
      // Already closed.
    }
  }

  /** Closes after pending output is written (bounded by `timeoutMs`). */
  async closeGracefully(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs)),
    ]);
    clearTimeout(timer);
    this.kill();
  }
}

const RESOLVED: Promise<void> = Promise.resolve();
const EMPTY = new Uint8Array(0);

function formatAddr(addr: Deno.Addr): string {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    return `${host}:${addr.port}`;
  }
  return "path" in addr ? String(addr.path) : "";
}

function isDisconnect(e: unknown): boolean {
  return e instanceof Deno.errors.BadResource || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.Interrupted ||
    e instanceof Deno.errors.ConnectionAborted || e instanceof Deno.errors.NotConnected;
}
