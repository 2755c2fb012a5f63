/**
 * The server: listeners and accepted clients, the keyspace, the command
 * table, and the services every command relies on (statistics, pub/sub,
 * WATCH, blocking, propagation to persistence, background cron).
 *
 * Concurrency model: one event loop, and every command handler runs to
 * completion synchronously, so commands are atomic without locks (see
 * docs/adr/0001-concurrency-model.md). Only network and file I/O await.
 *
 * @module
 */

import { Config } from "../config/config.ts";
import type { OutputBufferLimit } from "../config/directives.ts";
import type { ParserLimits } from "../resp/parser.ts";
import { type Clock, systemClock } from "../store/clock.ts";
import type { Database } from "../store/database.ts";
import { Keyspace } from "../store/keyspace.ts";
import { ALL_COMMANDS } from "../commands/mod.ts";
import { call as callCommand, execute as executeCommand } from "../commands/dispatch.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { CommandTable } from "../commands/table.ts";
import { BlockingRegistry } from "./blocking.ts";
import { Client, type ProtocolDetector } from "./client.ts";
import { type ClientSocket, denoSocket } from "./client_socket.ts";
import { EpollLoop, epollUnavailable } from "./epoll.ts";
import { Logger, type LogLevel } from "./log.ts";
import {
  NOTIFY_EVICTED,
  NOTIFY_EXPIRED,
  NOTIFY_KEYEVENT,
  NOTIFY_KEYSPACE,
  NOTIFY_NEW,
} from "./notify_flags.ts";
import { PubSub } from "./pubsub.ts";
import { Stats } from "./stats.ts";
import { WatchRegistry } from "./watch.ts";
import { concatBytes, latin1Bytes, utf8 } from "../util/bytes.ts";
import { VERSION } from "../version.ts";
import { monotonicNow } from "../util/monotonic.ts";

/** Options for creating a server. */
export interface ServerOptions {
  /** Time source for expiry (tests pass a ManualClock). */
  clock?: Clock;
  /** Logger; by default one is built from `loglevel`/`logfile`. */
  logger?: Logger;
  /**
   * The server is the whole process (the `rift` command), not embedded in
   * someone's program: `io-backend auto` then picks the epoll loop, which
   * may wait on the main thread (an embedded one never does).
   */
  standalone?: boolean;
}

/** A command to write to the AOF (and, one day, replicas). */
export interface Propagated {
  db: number;
  argv: Uint8Array[];
}

/** Receives propagated commands in batches (one batch per top-level command). */
export type PropagationSink = (batch: Propagated[]) => void;

/** A check run before a command executes; returns an error reply to reject it. */
export type AdmissionCheck = (c: Client, spec: CommandSpec) => string | null;

/**
 * A check run on each accepted connection (protected mode); returns an
 * error reply to send before closing it, or null to accept it.
 */
export type ConnectionCheck = (socket: ClientSocket) => string | null;

/** Client-side caching hooks (see src/server/tracking.ts). */
export interface KeyTracker {
  /** A key was modified; `byCommand` is false for expiry and eviction. */
  keyModified(db: Database, key: Uint8Array, byCommand: boolean): void;
  /** A client disconnected. */
  clientClosed(c: Client): void;
  /** A top-level command line was handled (executed, queued or rejected). */
  commandDone(c: Client, argv: Uint8Array[]): void;
}

/** Called after each executed command (slow log, MONITOR, latency). */
export type CommandObserver = (
  c: Client,
  argv: Uint8Array[],
  name: string,
  micros: number,
  spec: CommandSpec,
) => void;

/** Called at shutdown before clients are closed; may throw to abort the shutdown. */
export type ShutdownHook = (options: ShutdownOptions) => Promise<void>;

/** How to shut down. */
export interface ShutdownOptions {
  /** `SHUTDOWN SAVE` (true), `NOSAVE` (false) or the configured default (undefined). */
  save?: boolean;
  /** Exit even if saving fails (`SHUTDOWN FORCE`, signals after a retry). */
  force?: boolean;
}

const MULTI = utf8("MULTI");
const EXEC = utf8("EXEC");
const DEL = utf8("DEL");
const UNLINK = utf8("UNLINK");

/**
 * Keys a database holds before the keys of a batch of commands are warmed
 * together ({@link Server.warmFirstKeys}): below, its table and records
 * (~80 bytes a key) stay in the CPU's caches, and warming only costs time
 * (~0.1 us a command in a pipeline of SETs to 1,000 keys).
 */
const WARM_MIN_KEYS = 16384;

/** A Rift server instance. */
export class Server {
  readonly config: Config;
  readonly log: Logger;
  readonly keyspace: Keyspace;
  readonly commands: CommandTable;
  readonly stats = new Stats();
  readonly pubsub = new PubSub();
  readonly watch: WatchRegistry;
  readonly blocking: BlockingRegistry;
  readonly clients = new Map<number, Client>();
  /** Whether the server is the whole process (see {@link ServerOptions.standalone}). */
  readonly standalone: boolean;
  /** The epoll loop serving clients, when that is the backend (settled by {@link listen}). */
  private epollLoop: EpollLoop | null = null;
  /** Changes since the last save (save points, propagation). */
  dirty = 0;
  /** True while a dataset is being loaded: most commands get `-LOADING`. */
  loading = false;
  /** Server start time in ms. */
  readonly startTime = Date.now();
  /** Random 40-hex-digit id of this run (`INFO server run_id`). */
  readonly runId: string;
  /** TCP port actually listened on (after binding port 0). */
  port = 0;
  /** Addresses listened on. */
  readonly boundAddresses: string[] = [];

  readonly connectionChecks: ConnectionCheck[] = [];
  readonly admissionChecks: AdmissionCheck[] = [];
  readonly commandObservers: CommandObserver[] = [];
  readonly propagationSinks: PropagationSink[] = [];
  readonly cronHooks: (() => void)[] = [];
  /**
   * Each tells whether work that moves on only in turns of Deno's event
   * loop is under way: a background save (its file writes and pauses), an
   * AOF fsync, background eviction. While one is, the epoll loop yields a
   * turn every millisecond under load rather than every few.
   */
  readonly turnDrivenWork: (() => boolean)[] = [];
  readonly shutdownHooks: ShutdownHook[] = [];
  /**
   * Work run once the listeners are open (loading the dataset, while clients
   * get `-LOADING`); startup completes when they all have.
   */
  readonly startupTasks: (() => Promise<void>)[] = [];
  /** Called before FLUSHDB (the database) or FLUSHALL (null) empties the keyspace. */
  readonly flushHooks: ((db: Database | null) => void)[] = [];
  /**
   * Asked before a client's replies are written to its socket: a promise to
   * wait for first (the AOF holding replies until the writes they report
   * are fsynced, with `appendfsync always`), or null to write at once.
   */
  replyGate: (() => Promise<void> | null) | null = null;
  /** {@link monotonicNow} when the last command ended or the current batch began. */
  clockMark = monotonicNow();
  /** `notify-keyspace-events` flags, cached: read on every write. */
  notifyFlags = 0;
  /** The client whose command is running (null in cron work such as active expiry). */
  currentClient: Client | null = null;
  /** Client-side caching, set only while some client tracks keys (CLIENT TRACKING). */
  keyTracker: KeyTracker | null = null;
  /** Protocols other than RESP, offered each connection's first bytes (human mode). */
  readonly protocolDetectors: ProtocolDetector[] = [];
  /** Extra INFO sections contributed by other modules: name → lines. */
  readonly infoSections = new Map<string, () => string[]>();

  private listeners: { close(): void }[] = [];
  private pendingPropagation: Propagated[] = [];
  private nextClientId = 1;
  private cronTimer: ReturnType<typeof setInterval> | undefined;
  private pauseUntil = 0;
  private pauseWritesOnly = false;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  private shuttingDown = false;
  private stopped = false;
  private resolveClosed!: () => void;
  /** Resolves when the server has shut down (SHUTDOWN, signal or {@link shutdown}). */
  readonly closed: Promise<void> = new Promise((resolve) => this.resolveClosed = resolve);
  private cronRuns = 0;

  constructor(config: Config = new Config(), options: ServerOptions = {}) {
    this.config = config;
    this.standalone = options.standalone ?? false;
    this.log = options.logger ??
      new Logger(config.str("loglevel") as LogLevel, config.str("logfile"));
    config.onChange("loglevel", (v) => this.log.level = v as LogLevel);
    const databases = config.int("databases");
    this.keyspace = new Keyspace(options.clock ?? systemClock, databases);
    this.keyspace.expiredHandler = (db, key) => this.keyExpired(db, key);
    this.keyspace.createdHandler = (db, key) => {
      // Keys a load brings in are not new keys (Redis's dbAddRDBLoad notifies nothing).
      if ((this.notifyFlags & NOTIFY_NEW) && !this.loading) {
        this.notify(NOTIFY_NEW, "new", key, db.index);
      }
    };
    this.notifyFlags = config.int("notify-keyspace-events");
    config.onChange("notify-keyspace-events", (v) => this.notifyFlags = v as number);
    this.watch = new WatchRegistry(this.keyspace);
    this.commands = new CommandTable(ALL_COMMANDS);
    for (const [from, to] of config.renamedCommands) {
      if (!this.commands.rename(from, to)) {
        throw new Error(`rename-command: no such command '${from}'`);
      }
    }
    this.blocking = new BlockingRegistry({
      databases,
      call: (c, spec, argv) => {
        const previous = this.currentClient;
        this.currentClient = c;
        try {
          callCommand(this, c, spec, argv);
        } finally {
          this.currentClient = previous;
        }
        if (this.keyTracker !== null && c.blocked === null) this.keyTracker.commandDone(c, argv);
      },
      flushPropagation: () => this.flushPropagation(),
    });
    this.runId = Array.from(
      crypto.getRandomValues(new Uint8Array(20)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    config.onChange("hz", () => this.startCron());
    this.requirePass = config.str("requirepass");
    config.onChange("requirepass", (v) => this.requirePass = v as string);
    const limits = this.limits;
    limits.protoMaxBulkLen = config.int("proto-max-bulk-len");
    limits.queryBufferLimit = config.int("client-query-buffer-limit");
    config.onChange("proto-max-bulk-len", (v) => limits.protoMaxBulkLen = v as number);
    config.onChange("client-query-buffer-limit", (v) => limits.queryBufferLimit = v as number);
  }

  /** Starts a batch of commands: refreshes the cached time and the timing mark. */
  beginBatch(): void {
    const now = monotonicNow();
    this.clockMark = now;
    this.keyspace.updateTime(now);
  }

  /** The database with this index. */
  db(index: number): Database {
    return this.keyspace.dbs[index];
  }

  // ------------------------------------------------------------ networking

  /**
   * True when the event loop should get a turn often: an embedded server's
   * host program always has its own work there; a standalone server only
   * while some {@link turnDrivenWork} is under way.
   */
  readonly wantsFrequentTurns = (): boolean => !this.standalone || this.turnDrivenWorkUnderWay();

  /** True while some {@link turnDrivenWork} is under way. */
  turnDrivenWorkUnderWay(): boolean {
    const work = this.turnDrivenWork;
    for (let i = 0; i < work.length; i++) if (work[i]()) return true;
    return false;
  }

  /** Binds the configured addresses and starts accepting clients. */
  listen(): void {
    const port = this.config.int("port");
    const binds = this.config.get("bind") as string[];
    const epoll = this.epollLoop = this.choosesEpoll()
      ? new EpollLoop(
        (socket) => this.accept(socket),
        () => this.config.int("tcp-keepalive") > 0,
        this.startPass,
        this.finishPass,
        this.standalone,
        this.wantsFrequentTurns,
      )
      : null;
    for (const raw of binds) {
      const optional = raw.startsWith("-");
      let host = optional ? raw.slice(1) : raw;
      if (host === "*") host = "0.0.0.0";
      if (host === "::*") host = "::";
      try {
        const listener = epoll !== null
          ? epoll.listen(host, this.port || port)
          : Deno.listen({ hostname: host, port: this.port || port });
        this.listeners.push(listener);
        this.port = (listener.addr as Deno.NetAddr).port;
        if (epoll === null) void this.acceptLoop(listener as Deno.Listener);
        this.boundAddresses.push(host);
      } catch (e) {
        if (optional) continue;
        for (const l of this.listeners) l.close();
        // With nothing to serve the loop ends at once, releasing its descriptors.
        epoll?.start();
        throw new Error(
          `Could not create server TCP listening socket ${host}:${port}: ${(e as Error).message}`,
        );
      }
    }
    epoll?.start();
    this.startCron();
  }

  /**
   * `io-backend`: the epoll loop when asked for (failing when it cannot run), or for
   * `auto` when the server is the process and the platform has it; an
   * embedded server keeps Deno's ops unless told otherwise.
   */
  private choosesEpoll(): boolean {
    const wanted = this.config.str("io-backend");
    if (wanted === "deno" || (wanted === "auto" && !this.standalone)) return false;
    const unavailable = epollUnavailable();
    if (unavailable === null) return true;
    if (wanted === "epoll") throw new Error(unavailable);
    this.log.notice(`Serving clients with Deno's socket ops: ${unavailable}.`);
    return false;
  }

  /** The socket backend serving clients (INFO's multiplexing_api). */
  get ioBackend(): "deno" | "epoll" {
    return this.epollLoop !== null ? "epoll" : "deno";
  }

  private async acceptLoop(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) {
        try {
          (conn as Deno.TcpConn).setNoDelay(true);
          (conn as Deno.TcpConn).setKeepAlive(this.config.int("tcp-keepalive") > 0);
        } catch {
          // Options are best effort (the peer may already be gone).
        }
        this.accept(denoSocket(conn));
      }
    } catch (e) {
      if (!this.stopped) this.log.warning(`Accept loop ended: ${e}`);
    }
  }

  private accept(conn: ClientSocket): void {
    if (this.shuttingDown) {
      conn.close();
      return;
    }
    this.stats.totalConnectionsReceived++;
    let refusal = this.clients.size >= this.config.int("maxclients")
      ? "ERR max number of clients reached"
      : null;
    for (let i = 0; refusal === null && i < this.connectionChecks.length; i++) {
      refusal = this.connectionChecks[i](conn);
    }
    if (refusal !== null) {
      this.stats.rejectedConnections++;
      const close = () => {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      };
      conn.write(utf8(`-${refusal}\r\n`), close, close);
      return;
    }
    const c = this.createClient(conn);
    void c.run();
  }

  /** Creates and registers a client (conn null for internal clients such as AOF replay). */
  createClient(conn: ClientSocket | null): Client {
    const c = new Client(this, conn, {
      id: this.nextClientId++,
      db: this.db(0),
      authenticated: !this.authRequired(),
    });
    c.out.errorSink = (text) => this.stats.countError(text);
    if (conn !== null) this.clients.set(c.id, c);
    return c;
  }

  /** Cleans up after a client disconnects. */
  clientClosed(c: Client): void {
    this.clients.delete(c.id);
    this.blocking.forget(c);
    this.watch.unwatchAll(c);
    this.pubsub.removeClient(c);
    this.keyTracker?.clientClosed(c);
    c.multi = null;
  }

  /** Parser limits for a client, read live from the configuration. */
  parserLimitsFor(c: Client): ParserLimits {
    return new ClientParserLimits(this, this.limits, c);
  }

  /** Protocol limits shared by all parsers, kept in step with CONFIG SET. */
  private readonly limits = { protoMaxBulkLen: 0, queryBufferLimit: 0 };

  /** The output buffer limits of a client's class, or null when unlimited. */
  outputLimitsFor(c: Client): OutputBufferLimit | null {
    const limits = this.config.get("client-output-buffer-limit") as Record<
      string,
      OutputBufferLimit
    >;
    const l = c.subscribed ? limits.pubsub : limits.normal;
    return l && (l.hard > 0 || l.soft > 0) ? l : null;
  }

  /** True when a password is configured. */
  authRequired(): boolean {
    return this.requirePass !== "";
  }

  /** `requirepass`, cached: checked for every client's parser limits. */
  private requirePass = "";

  // --------------------------------------------------------- running a turn

  /**
   * Clients whose reads of this turn wait to run their commands
   * ({@link executeSoon}): the first {@link readyCount} slots. Two arrays
   * are swapped at each run and their slots cleared rather than the arrays
   * emptied: setting an array's `length` is a call into V8's runtime, and
   * an emptied array drops its storage, which the next turn's first push
   * allocates again.
   */
  private readyQueue: (Client | undefined)[] = [];
  private readyCount = 0;
  private readySpare: (Client | undefined)[] = [];
  /** Each ready client's next key, warmed together ({@link runReadyClients}). */
  private readonly readyKeys: (Uint8Array | undefined)[] = [];
  /**
   * True while the epoll loop hands a pass's reads to their clients: it runs
   * what they queue right after ({@link finishPass}), so no microtask is
   * queued for that work.
   */
  private passOpen = false;

  /**
   * Runs a client's commands once every connection read in this turn of the
   * event loop has its bytes: the reads of one turn resolve before any of
   * their continuations run, so a microtask queued by the first runs after
   * the last. The first command of each is parsed and its key's hash bucket,
   * entry and key bytes are loaded for all of them together before any runs:
   * a lookup in a large keyspace waits on three dependent cache misses, and
   * this way the misses of different connections are in flight together.
   * Then each client's `afterExecute` queues its replies and starts its next
   * read; what a client's commands threw is left in its `executionError`
   * for that step, so one failing connection does not stop the others.
   */
  executeSoon(c: Client): void {
    const slot = this.readyCount++;
    this.readyQueue[slot] = c;
    if (slot === 0 && !this.passOpen) queueMicrotask(this.runReadyClients);
  }

  private readonly runReadyClients = (): void => {
    const n = this.readyCount;
    if (n === 0) return;
    // Clients queued while these run (a command woke a blocked one) form the next batch.
    const clients = this.readyQueue;
    this.readyQueue = this.readySpare;
    this.readyCount = 0;
    this.warmNextKeys(clients, n);
    for (let i = 0; i < n; i++) {
      const c = clients[i]!;
      try {
        c.processInput();
      } catch (e) {
        c.executionError = e;
      }
    }
    for (let i = 0; i < n; i++) {
      const c = clients[i]!;
      clients[i] = undefined;
      c.afterExecute();
    }
    this.readySpare = clients;
  };

  /** The epoll loop starts handing a pass's reads to their clients (see {@link passOpen}). */
  private readonly startPass = (): void => {
    this.passOpen = true;
  };

  /**
   * Runs what this turn queued, now: the epoll loop calls it after each
   * pass, whose replies must go out before it waits again. Work queued from
   * here on gets its microtask as usual.
   */
  private readonly finishPass = (): void => {
    this.passOpen = false;
    this.runReadyClients();
    this.writeQueuedClients();
  };

  /**
   * Whether lookups in `db` are worth warming ahead ({@link WARM_MIN_KEYS}):
   * a client parses a pipeline's commands in batches only then.
   */
  warmsKeysIn(db: Database): boolean {
    return db.size >= WARM_MIN_KEYS;
  }

  /**
   * Warms the first key of each of `commands[0..n)`, commands a client
   * parsed together from a pipeline, in `db` (see {@link Database.prefetch}).
   */
  warmFirstKeys(db: Database, commands: readonly (Uint8Array[] | undefined)[], n: number): void {
    const keys = this.readyKeys;
    let count = 0;
    for (let i = 0; i < n; i++) count = this.collectFirstKey(commands[i]!, keys, count);
    this.warmKeys(db, keys, count);
  }

  /** Adds the first key of `argv`, if its command has one, to `keys[count]`; returns the new count. */
  private collectFirstKey(
    argv: Uint8Array[],
    keys: (Uint8Array | undefined)[],
    count: number,
  ): number {
    const spec = this.commands.lookup(argv[0]);
    if (spec !== undefined && spec.firstKey > 0 && spec.firstKey < argv.length) {
      keys[count++] = argv[spec.firstKey];
    }
    return count;
  }

  /** Prefetches `keys[0..count)` in `db`, then forgets them (they are views into receive buffers). */
  private warmKeys(db: Database, keys: (Uint8Array | undefined)[], count: number): void {
    if (count === 0) return;
    db.prefetch(keys as Uint8Array[], 0, count - 1, 1);
    for (let i = 0; i < count; i++) keys[i] = undefined;
  }

  /** Parses each client's next command ahead and warms its first key (see {@link executeSoon}). */
  private warmNextKeys(clients: (Client | undefined)[], n: number): void {
    const db = clients[0]!.db;
    if (n < 2 || !this.warmsKeysIn(db)) return;
    const keys = this.readyKeys;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const c = clients[i]!;
      const argv = c.parseAhead();
      if (argv !== null && c.db === db) count = this.collectFirstKey(argv, keys, count);
    }
    this.warmKeys(db, keys, count);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Clients whose replies go out at the end of this turn ({@link queueWrite}):
   * the first {@link writeCount} slots, kept as {@link readyQueue} is.
   */
  private writeQueue: (Client | undefined)[] = [];
  private writeCount = 0;
  private writeSpare: (Client | undefined)[] = [];

  /**
   * Starts writing a client's replies once every client that ran commands in
   * this turn of the event loop has run them: all of them write together
   * after the last one ran, as Redis writes replies in `beforeSleep` after
   * serving every readable client. Sending the replies in one burst matters
   * when a peer waits for several of them: waking a sleeping process costs
   * the sender far more than the send itself (an inter-processor interrupt,
   * and a VM exit on virtual machines), and a peer already awake for the
   * first reply needs no wake-up for the rest. The reads of one turn resolve
   * before any of their continuations run, so a microtask queued by the
   * first continuation runs after the last.
   */
  queueWrite(c: Client): void {
    const slot = this.writeCount++;
    this.writeQueue[slot] = c;
    // The first client of a turn schedules the writes of all of them.
    if (slot === 0 && !this.passOpen) queueMicrotask(this.writeQueuedClients);
  }

  private readonly writeQueuedClients = (): void => {
    const n = this.writeCount;
    if (n === 0) return;
    const clients = this.writeQueue;
    this.writeQueue = this.writeSpare;
    this.writeCount = 0;
    for (let i = 0; i < n; i++) {
      const c = clients[i]!;
      clients[i] = undefined;
      c.startWrite();
    }
    this.writeSpare = clients;
  };

  // -------------------------------------------------------------- commands

  /** Executes a command line for a client (the dispatcher entry point). */
  execute(c: Client, argv: Uint8Array[]): void {
    const previous = this.currentClient;
    this.currentClient = c;
    try {
      executeCommand(this, c, argv);
    } finally {
      this.currentClient = previous;
    }
    if (this.keyTracker !== null) this.keyTracker.commandDone(c, argv);
  }

  /** Runs admission checks (memory limit...); returns an error reply or null. */
  admissionCheck(c: Client, spec: CommandSpec): string | null {
    for (const check of this.admissionChecks) {
      const error = check(c, spec);
      if (error !== null) return error;
    }
    return null;
  }

  /** Tells observers a command finished. */
  commandExecuted(
    c: Client,
    argv: Uint8Array[],
    name: string,
    micros: number,
    spec: CommandSpec,
  ): void {
    for (const observer of this.commandObservers) observer(c, argv, name, micros, spec);
  }

  /**
   * True when written commands go anywhere (the AOF). Handlers that log a
   * command other than the one received check it first: building that
   * command's arguments costs small typed arrays, each a malloc and a free
   * in Deno, for nothing when nobody reads them.
   */
  get propagating(): boolean {
    return this.propagationSinks.length > 0;
  }

  /** Queues a command for the AOF; batches go out after the top-level command. */
  propagate(db: number, argv: Uint8Array[]): void {
    if (this.propagationSinks.length === 0) return;
    this.pendingPropagation.push({ db, argv: argv.map((a) => a.slice()) });
  }

  /**
   * Hands the commands propagated by the last top-level command to the
   * sinks, wrapped in MULTI/EXEC when there are several, as Redis 7 does.
   */
  flushPropagation(): void {
    if (this.pendingPropagation.length === 0) return;
    let batch = this.pendingPropagation;
    this.pendingPropagation = [];
    if (batch.length > 1) {
      const db = batch[0].db;
      batch = [{ db, argv: [MULTI] }, ...batch, { db: batch[batch.length - 1].db, argv: [EXEC] }];
    }
    for (const sink of this.propagationSinks) sink(batch);
  }

  // ------------------------------------------------------- keyspace events

  /**
   * The one path every write takes: invalidates WATCHes on the key, sends
   * the keyspace notification and counts the change for save points.
   */
  wrote(db: Database, key: Uint8Array, notifyClass: number, event: string, dirty = 1): void {
    this.watch.touch(db, key);
    if (this.keyTracker !== null) {
      // Like Redis, an evicted key has no modifying client (for BCAST NOLOOP).
      this.keyTracker.keyModified(db, key, notifyClass !== NOTIFY_EVICTED);
    }
    this.notify(notifyClass, event, key, db.index);
    this.dirty += dirty;
  }

  /** Wakes clients blocked on `key` after the current command (list/zset pushes). */
  signalKeyAsReady(db: Database, key: Uint8Array): void {
    this.blocking.signalKeyAsReady(db, key);
  }

  /**
   * Publishes a keyspace notification when its class is enabled by
   * `notify-keyspace-events`.
   */
  notify(notifyClass: number, event: string, key: Uint8Array, db: number): void {
    const flags = this.notifyFlags;
    if (flags === 0 || (flags & notifyClass) === 0) return;
    const eventBytes = latin1Bytes(event);
    if (flags & NOTIFY_KEYSPACE) {
      const channel = concatBytes([latin1Bytes(`__keyspace@${db}__:`), key]);
      this.pubsub.publish(channel, eventBytes);
    }
    if (flags & NOTIFY_KEYEVENT) {
      const channel = latin1Bytes(`__keyevent@${db}__:${event}`);
      this.pubsub.publish(channel, key);
    }
  }

  private keyExpired(db: Database, key: Uint8Array): void {
    this.stats.expiredKeys++;
    this.watch.touch(db, key, true);
    if (this.keyTracker !== null) this.keyTracker.keyModified(db, key, false);
    this.notify(NOTIFY_EXPIRED, "expired", key, db.index);
    // Like Redis's propagateDeletion: UNLINK when expired keys are freed lazily.
    this.propagate(db.index, [this.config.bool("lazyfree-lazy-expire") ? UNLINK : DEL, key]);
  }

  /** Empties one database (FLUSHDB) or all (FLUSHALL), invalidating WATCHes. */
  flush(db: Database | null): void {
    for (const hook of this.flushHooks) hook(db);
    const targets = db === null ? this.keyspace.dbs : [db];
    for (const target of targets) this.watch.touchDatabase(target, null);
    if (db === null) this.keyspace.flushAll();
    else db.clear();
  }

  // ----------------------------------------------------------- pause, cron

  /** `CLIENT PAUSE`: holds commands (all, or only writes) until `untilMs`. */
  pause(untilMs: number, writesOnly: boolean): void {
    if (untilMs > this.pauseUntil || !writesOnly) {
      this.pauseUntil = Math.max(this.pauseUntil, untilMs);
      this.pauseWritesOnly = writesOnly && (this.pauseWritesOnly || this.pauseUntil === untilMs);
    }
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.unpause(), Math.max(0, this.pauseUntil - Date.now()));
  }

  /** `CLIENT UNPAUSE`: releases held commands. */
  unpause(): void {
    this.pauseUntil = 0;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.resumeClients();
  }

  private resumeClients(): void {
    for (const c of this.clients.values()) {
      if (c.postponed !== null || c.queryBufferBytes > 0) {
        c.processInput();
        c.scheduleFlush();
      }
    }
  }

  /** True when a command must wait (CLIENT PAUSE, shutdown in progress). */
  isPausedFor(argv: Uint8Array[]): boolean {
    if (this.shuttingDown) return true;
    if (this.pauseUntil === 0 || Date.now() >= this.pauseUntil) return false;
    if (!this.pauseWritesOnly) return true;
    const spec = this.commands.lookup(argv[0]);
    if (spec === undefined) return false;
    return spec.flags.includes("write") || spec.flags.includes("may_replicate");
  }

  private startCron(): void {
    clearInterval(this.cronTimer);
    if (this.listeners.length === 0 && this.cronTimer === undefined && this.stopped) return;
    const hz = this.config.int("hz");
    this.cronTimer = setInterval(() => this.cron(), Math.max(1, Math.floor(1000 / hz)));
  }

  /** Periodic work, `hz` times a second: active expiry, timeouts, stats, hooks. */
  cron(): void {
    const hz = this.config.int("hz");
    const budget = (1000 / hz) * 0.25 * this.config.int("active-expire-effort");
    const { stalePercent } = this.keyspace.activeExpireCycle(
      budget,
      this.config.int("active-expire-effort"),
    );
    this.stats.expiredStalePercent = stalePercent * 100;
    if (this.config.bool("activerehashing")) this.keyspace.rehashFor(1);
    this.flushPropagation();
    this.cronRuns++;
    const now = this.keyspace.now;
    if (this.cronRuns % Math.max(1, Math.floor(hz / 10)) === 0) this.stats.sampleRates(now);
    const timeout = this.config.int("timeout");
    if (timeout > 0) {
      for (const c of this.clients.values()) {
        if (c.subscribed || c.blocked !== null) continue;
        if (now - c.lastInteraction > timeout * 1000) {
          this.log.verbose(`Closing idle client id=${c.id}`);
          c.kill();
        }
      }
    }
    for (const hook of this.cronHooks) hook();
  }

  // -------------------------------------------------------------- shutdown

  /**
   * Shuts down: stops accepting, runs shutdown hooks (final save), writes
   * pending replies to every client within the drain timeout, closes them.
   * Throws (and keeps serving) when a hook fails without `force`.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    // A second call resolves with the first, once the server is closed: a
    // load stopped by a signal's shutdown must not end the process earlier.
    if (this.stopped || this.shuttingDown) return await this.closed;
    this.shuttingDown = true;
    this.log.warning("User requested shutdown...");
    try {
      for (const hook of this.shutdownHooks) await hook(options);
    } catch (e) {
      if (!options.force) {
        this.shuttingDown = false;
        this.log.warning(`Errors trying to shut down the server: ${(e as Error).message}`);
        this.resumeClients();
        throw e;
      }
    }
    this.stopped = true;
    for (const l of this.listeners) {
      try {
        l.close();
      } catch {
        // Already closed.
      }
    }
    clearInterval(this.cronTimer);
    clearTimeout(this.pauseTimer);
    const drainMs = this.config.int("shutdown-timeout") * 1000;
    await Promise.all([...this.clients.values()].map((c) => c.closeGracefully(drainMs)));
    // With every socket closed the epoll loop ends (a parked one is woken).
    await this.epollLoop?.finished;
    this.log.warning(`Rift ${VERSION} is now ready to exit, bye bye...`);
    this.resolveClosed();
  }

  /** True once shutdown has begun. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}

/**
 * A client's parser limits, read live: the shared values follow CONFIG SET,
 * and the smaller limits before authentication follow the client's state.
 * A class rather than an object literal with getters: a literal's getters
 * are new functions for every client, which gives each client's object its
 * own shape, and with many clients the parser's reads of them go through
 * the slow, megamorphic path.
 */
class ClientParserLimits implements ParserLimits {
  constructor(
    private readonly server: Server,
    private readonly shared: { protoMaxBulkLen: number; queryBufferLimit: number },
    private readonly client: Client,
  ) {}

  get protoMaxBulkLen(): number {
    return this.shared.protoMaxBulkLen;
  }

  get queryBufferLimit(): number {
    return this.shared.queryBufferLimit;
  }

  get authRequired(): boolean {
    return !this.client.authenticated && this.server.authRequired();
  }
}
