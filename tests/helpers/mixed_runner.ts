/**
 * The mixed-workload differential fuzzer: seeded random sequences over all
 * types and commands at once, sent to an embedded Rift and to a real
 * redis-server over several connections (RESP2 and RESP3), with MULTI/EXEC,
 * WATCH across connections, CLIENT REPLY modes, blocking commands woken by
 * another connection, full SCAN-family iterations, DUMP/RESTORE round trips
 * (each server restoring the other's payloads too), and database switches.
 *
 * Checked on every step: replies byte for byte (element order ignored
 * where Redis leaves it unspecified) and the keyspace notification streams
 * (`notify-keyspace-events KEA` on both). Checked periodically: the whole
 * dataset of databases 0-3 (type, value, absolute expiry) and every key's
 * `OBJECT ENCODING`.
 *
 * Used by `tests/integration/mixed_differential_test.ts` (short runs) and
 * `scripts/mixed_soak.ts` (long runs).
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import { Rng } from "./hashsets.ts";
import { type Arg, latin1, type RespClient } from "./client.ts";
import { describe } from "./differential.ts";
import { b, type Compare, LEX_KEYS, MIXED_KEYS, MixedCommands } from "./mixed_commands.ts";
import { type CanonicalDataset, redisDataset, waitFor } from "./persistence.ts";
import {
  backgroundDone,
  persistenceDirectives,
  type PersistenceMode,
  type PersistenceStats,
  signlessZeros,
  verifySnapshot,
} from "./mixed_persistence.ts";
import { type RedisProcess, startRedis, startRift } from "./server.ts";
import { type Reply, ReplyParser } from "../../src/resp/reply_parser.ts";
import type { Server } from "../../src/server/server.ts";

const TRACE = Deno.env.get("MIXED_TRACE") === "1";

/** Databases the workload uses (SELECT, MOVE, COPY DB, SWAPDB stay within them). */
export const MIXED_DATABASES = 4;

const BLOCKING = new Set([
  "BLPOP",
  "BRPOP",
  "BLMOVE",
  "BRPOPLPUSH",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
]);

/**
 * The `notify-keyspace-events` of a run: every class (KEA) on most seeds;
 * on every fourth, a seeded subset of classes, so an event published under
 * the wrong class shows, with key-miss (`m`) and new-key (`n`) events.
 */
export function notifyFlags(seed: number): string {
  if (seed % 4 !== 0) return "KEA";
  const rng = new Rng(seed * 7919);
  let flags = rng.next() < 0.5 ? "K" : "E";
  if (rng.next() < 0.4) flags += flags === "K" ? "E" : "K";
  for (const c of "g$lshzxetmn") if (rng.next() < 0.5) flags += c;
  return flags;
}

/** Options of one run. */
export interface MixedOptions {
  seed: number;
  /** Random steps to run (a step is one command or one multi-command scenario). */
  steps: number;
  /** Client connections per server (default 3). */
  connections?: number;
  /** Steps between full dataset comparisons (default 250). */
  checkEvery?: number;
  /** Directives applied to both servers (e.g. small encoding limits). */
  directives?: Record<string, string>;
  /**
   * Persistence checks at random points (SAVE, BGSAVE, BGREWRITEAOF, DEBUG
   * RELOAD) and a restart at the end, from the RDB or the AOF.
   */
  persistence?: PersistenceMode;
}

/** What a run did. */
export interface MixedStats {
  /** Commands sent (each to both servers), by upper-case name. */
  perCommand: Map<string, number>;
  commands: number;
  /** Keyspace events compared. */
  events: number;
  /** Propagated commands (AOF) compared. */
  propagated: number;
  datasetChecks: number;
  keysCompared: number;
  transactions: number;
  blockingScenarios: number;
  scans: number;
  restores: number;
  /** DUMP payloads that were byte-identical / different between the servers. */
  dumpsIdentical: number;
  dumpsDifferent: number;
  persistence: PersistenceStats;
}

/** A client connection to each server, used in lockstep. */
interface ConnPair {
  index: number;
  rift: RespClient;
  redis: RespClient;
  /** Comparison of each queued command's reply while in MULTI, else null. */
  queued: Compare[] | null;
  /** CLIENT ID on each server. */
  ids: [string, string];
  /** The commands queued, for failure reports. */
  queuedArgs: Arg[][];
  replyOff: boolean;
  /** Commands whose replies are still to be skipped (CLIENT REPLY SKIP and the one after). */
  skip: number;
  /**
   * A command was sent whose reply will never come: nothing shows it has
   * run yet, so no other connection may act until this one replies again.
   */
  unsynced: boolean;
  resp3: boolean;
}

/** Serializes a decoded reply with its types, so two replies compare exactly. */
function exactForm(r: Reply): string {
  switch (r.type) {
    case "bulk":
    case "verbatim":
      return `${r.type}:${JSON.stringify(latin1(r.value))}`;
    case "integer":
      return `int:${r.value}`;
    case "simple":
    case "error":
    case "double":
    case "bignum":
      return `${r.type}:${JSON.stringify(r.text)}`;
    case "bool":
      return `bool:${r.value}`;
    case "array":
    case "set":
    case "push":
      return `${r.type}[${r.items.map(exactForm).join(",")}]`;
    case "map":
    case "attribute":
      return `${r.type}{${r.entries.map(([k, v]) => `${exactForm(k)}=${exactForm(v)}`).join(",")}}`;
    default:
      return r.type;
  }
}

/** A reply in the form it is compared in under `compare`. */
export function comparable(r: Reply, compare: Compare): string {
  if (compare === "exact") return exactForm(r);
  if (compare === "collated") {
    const exact = exactForm(r);
    // Bulk strings appear JSON-escaped: a NUL byte as \u0000.
    return exact.includes("\\u0000") ? comparable(r, "sorted") : exact;
  }
  if (compare === "ttl") {
    return r.type === "integer" && r.value > 0n ? "int:positive" : exactForm(r);
  }
  if (compare === "integer") return r.type === "integer" ? "int" : exactForm(r);
  if (r.type === "map") {
    return `map{${r.entries.map(([k, v]) => `${exactForm(k)}=${exactForm(v)}`).sort().join(",")}}`;
  }
  if (r.type !== "array" && r.type !== "set") return exactForm(r);
  if (compare === "sorted" || r.items.every((item) => item.type === "array")) {
    return `${r.type}[${r.items.map(exactForm).sort().join(",")}]`;
  }
  const pairs: string[] = [];
  for (let i = 0; i < r.items.length; i += 2) {
    pairs.push(`${exactForm(r.items[i])}=${r.items[i + 1] ? exactForm(r.items[i + 1]) : ""}`);
  }
  return `${r.type}[${pairs.sort().join(",")}]`;
}

function decode(raw: Uint8Array): Reply {
  const parser = new ReplyParser();
  parser.feed(raw);
  return parser.next()!.reply;
}

function commandName(args: Arg[]): string {
  const first = args[0];
  return (first instanceof Uint8Array ? latin1(first) : String(first)).toUpperCase();
}

/** Records keyspace events on a pattern subscription; `take()` drains up to a PING. */
class EventTap {
  private constructor(private readonly c: RespClient) {}

  /** Subscribes on `c`, in RESP3 (push frames) when `resp3`. */
  static async open(c: RespClient, resp3: boolean): Promise<EventTap> {
    if (resp3) await c.call("HELLO", "3");
    await c.call("PSUBSCRIBE", "__key*__:*");
    return new EventTap(c);
  }

  async take(): Promise<string[]> {
    await this.c.send("PING", "tap");
    const out: string[] = [];
    for (;;) {
      const { reply } = await this.c.read();
      // PING answers ["pong", "tap"] in RESP2 subscribed mode, plain "tap" in RESP3.
      if (reply.type === "bulk" && latin1(reply.value) === "tap") return out;
      if (reply.type !== "array" && reply.type !== "push") throw new Error("unexpected frame");
      const items = reply.items.map((i) => exactForm(i));
      if (items[0] === 'bulk:"pong"') return out;
      out.push(`${reply.type} ${items.slice(2).join(" ")}`);
    }
  }
}

/** Runs one seeded mixed workload against a fresh Rift and redis-server; throws on a difference. */
export async function runMixed(options: MixedOptions): Promise<MixedStats> {
  const directives = options.directives ?? {};
  const notify = {
    "notify-keyspace-events": notifyFlags(options.seed),
    "enable-debug-command": "yes",
    ...directives,
  };
  // A directory of its own even without persistence: DEBUG RELOAD writes
  // there, and a stray dump.rdb elsewhere is never loaded.
  const dir = await Deno.makeTempDir({ prefix: "rift-mixed-" });
  const riftConfig = options.persistence
    ? { ...notify, ...persistenceDirectives(options.persistence, dir) }
    : { ...notify, dir };
  let rift = await startRift({ config: riftConfig });
  let redis: RedisProcess | undefined;
  let redisDir = "";
  try {
    const redisArgs: string[] = [];
    for (const [name, value] of Object.entries(notify)) redisArgs.push(`--${name}`, value);
    // Redis's AOF is read back as its propagation stream.
    redisArgs.push("--appendonly", "yes", "--appendfsync", "always");
    redisArgs.push("--auto-aof-rewrite-percentage", "0");
    redisDir = await Deno.makeTempDir({ prefix: "rift-mixed-redis-" });
    redis = await startRedis(redisArgs, redisDir);
    const run = await MixedRun.open(options, () => rift.client(), () => redis!.client());
    run.riftDir = dir;
    run.propagation = [propagationOf(rift.server), aofReader(redisDir)];
    await run.execute();
    if (options.persistence) {
      // Restart from the files and compare with Redis, which kept running.
      const expected = await redisDataset(await redis.client(), MIXED_DATABASES);
      const c = await rift.client();
      await waitFor(() => backgroundDone(c), "background saves");
      if (options.persistence === "rdb") assertEquals(await c.raw("SAVE"), "+OK\r\n");
      await rift.stop();
      rift = await startRift({ config: riftConfig });
      const restarted = await rift.client();
      await waitFor(
        async () => /^loading:0\r$/m.test(String(await restarted.value("INFO"))),
        "load",
      );
      // An AOF rewrite writes an RDB preamble: zero scores lose their sign there too.
      assertEquals(
        signlessZeros(await redisDataset(restarted, MIXED_DATABASES)),
        signlessZeros(expected),
        `seed ${options.seed}: dataset after restarting from the ${options.persistence}`,
      );
      run.stats.persistence.restarts++;
    }
    return run.stats;
  } finally {
    await redis?.stop();
    await rift.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (redisDir) await Deno.remove(redisDir, { recursive: true }).catch(() => {});
  }
}

/** A stream of propagated commands as `db argv...` lines. */
interface PropagationStream {
  take(): Promise<string[]>;
}

function argvText(argv: Uint8Array[]): string {
  return argv.map((a) => JSON.stringify(latin1(a))).join(" ");
}

/** What Rift propagates (what its AOF gets), with each command's database. */
function propagationOf(server: Server): PropagationStream {
  let seen: string[] = [];
  server.propagationSinks.push((batch) => {
    for (const p of batch) seen.push(`${p.db} ${argvText(p.argv)}`);
  });
  return {
    take() {
      const out = seen;
      seen = [];
      return Promise.resolve(out);
    },
  };
}

/** What Redis 7.0 appended to its AOF since the last call, SELECTs folded into each line. */
function aofReader(dir: string): PropagationStream {
  let offset = 0;
  let db = 0;
  const parser = new ReplyParser();
  return {
    async take() {
      const file = await Deno.open(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
      try {
        await file.seek(offset, Deno.SeekMode.Start);
        const buf = new Uint8Array(256 * 1024);
        for (let n = await file.read(buf); n !== null; n = await file.read(buf)) {
          parser.feed(buf.subarray(0, n));
          offset += n;
        }
      } finally {
        file.close();
      }
      const out: string[] = [];
      for (let r = parser.next(); r !== undefined; r = parser.next()) {
        if (r.reply.type !== "array") continue;
        const argv = r.reply.items.map((i) => i.type === "bulk" ? i.value : new Uint8Array());
        if (latin1(argv[0]).toLowerCase() === "select") db = Number(latin1(argv[1]));
        else out.push(`${db} ${argvText(argv)}`);
      }
      return out;
    },
  };
}

/** One run's connections, generator and state. */
class MixedRun {
  readonly stats: MixedStats = {
    perCommand: new Map(),
    commands: 0,
    events: 0,
    propagated: 0,
    datasetChecks: 0,
    keysCompared: 0,
    transactions: 0,
    blockingScenarios: 0,
    scans: 0,
    restores: 0,
    dumpsIdentical: 0,
    dumpsDifferent: 0,
    persistence: {
      saves: 0,
      bgsaves: 0,
      rewrites: 0,
      reloads: 0,
      snapshotsVerified: 0,
      restarts: 0,
    },
  };
  /** Rift's dataset when a BGSAVE still running began, and its file. */
  private pendingSnapshot: CanonicalDataset | null = null;
  /** Rift's data directory in a persistence run. */
  riftDir = "";
  private readonly history: { conn: number; line: string }[] = [];
  private lastConn = -1;
  /**
   * Set when a SORT ran since the last event comparison: its BY and GET
   * lookups (key-miss events) follow the order of a set's elements, which
   * Redis leaves unspecified.
   */
  private eventsUnordered = false;
  /** Rift's and Redis's propagation streams, compared with the events. */
  propagation: [PropagationStream, PropagationStream] | null = null;
  private stepIndex = 0;

  private constructor(
    readonly options: MixedOptions,
    readonly gen: MixedCommands,
    readonly conns: ConnPair[],
    readonly taps: [EventTap, EventTap],
    readonly inspect: [RespClient, RespClient],
  ) {}

  static async open(
    options: MixedOptions,
    openRift: () => Promise<RespClient>,
    openRedis: () => Promise<RespClient>,
  ): Promise<MixedRun> {
    const conns: ConnPair[] = [];
    for (let i = 0; i < (options.connections ?? 3); i++) {
      const rift = await openRift();
      const redis = await openRedis();
      conns.push({
        index: i,
        rift,
        redis,
        ids: [String(await rift.value("CLIENT", "ID")), String(await redis.value("CLIENT", "ID"))],
        queued: null,
        queuedArgs: [],
        replyOff: false,
        skip: 0,
        unsynced: false,
        resp3: false,
      });
    }
    const inspect: [RespClient, RespClient] = [await openRift(), await openRedis()];
    // Keys whose expiry is in the past are then removed only when touched,
    // at the same command on both servers, never by a timer.
    for (const c of inspect) await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    const resp3Taps = options.seed % 2 === 1;
    const taps: [EventTap, EventTap] = [
      await EventTap.open(await openRift(), resp3Taps),
      await EventTap.open(await openRedis(), resp3Taps),
    ];
    return new MixedRun(
      options,
      new MixedCommands(options.seed),
      conns,
      taps,
      inspect,
    );
  }

  async execute(): Promise<void> {
    const checkEvery = this.options.checkEvery ?? 250;
    let datasetDue = false;
    for (this.stepIndex = 0; this.stepIndex < this.options.steps; this.stepIndex++) {
      await this.step();
      if ((this.stepIndex + 1) % checkEvery === 0) datasetDue = true;
      // Events and data are compared only when every command sent is known
      // to have run (its reply, or a later reply on the same connection).
      if (this.conns.some((c) => c.unsynced)) continue;
      await this.compareEvents();
      if (datasetDue) await this.compareDatasets();
      datasetDue = false;
      if (this.pendingSnapshot && this.stepIndex % 10 === 0) await this.checkBackgroundSave(false);
    }
    if (this.pendingSnapshot) await this.checkBackgroundSave(true);
    for (const c of this.conns) {
      if (c.queued) await this.command(c, ["DISCARD"], "exact");
      while (c.skip > 0) await this.command(c, ["PING"], "exact");
      if (c.replyOff) {
        c.replyOff = false;
        await this.command(c, ["CLIENT", "REPLY", "ON"], "exact");
      }
    }
    await this.compareEvents();
    await this.compareDatasets();
  }

  private fail(message: string): never {
    const recent = this.history.slice(-(TRACE ? 200 : 40)).map((h) => h.line);
    const own = this.history.filter((h) => h.conn === this.lastConn).slice(-20).map((h) => h.line);
    throw new Error(
      `seed ${this.options.seed}, step ${this.stepIndex}: ${message}\nlast commands:\n` +
        recent.join("\n") + `\nlast commands of connection ${this.lastConn}:\n` + own.join("\n"),
    );
  }

  private note(c: ConnPair | null, args: Arg[]): void {
    const name = commandName(args);
    if (name === "SORT" || name === "SORT_RO") this.eventsUnordered = true;
    this.stats.commands++;
    this.stats.perCommand.set(name, (this.stats.perCommand.get(name) ?? 0) + 1);
    const conn = c ? c.index : -1;
    this.lastConn = conn;
    this.history.push({
      conn,
      line: `  #${this.stepIndex} [${conn}] ${describe(args).slice(0, 200)}`,
    });
    if (this.history.length > 2000) this.history.splice(0, 1000);
  }

  /** Sends to both without reading (for commands whose reply comes later or never). */
  private async sendOnly(c: ConnPair, args: Arg[]): Promise<void> {
    this.note(c, args);
    await Promise.all([c.rift.send(...args), c.redis.send(...args)]);
  }

  /** Reads one reply from each side of a connection pair. */
  private async readBoth(c: ConnPair): Promise<[Uint8Array, Uint8Array]> {
    const [x, y] = await Promise.all([c.rift.read(), c.redis.read()]).catch((e) =>
      this.fail(`no reply: ${e}`)
    );
    return [x.raw, y.raw];
  }

  private async check(
    what: Arg[],
    a: Uint8Array,
    b: Uint8Array,
    compare: Compare,
  ): Promise<string> {
    const x = latin1(a);
    const y = latin1(b);
    if (
      compare === "exact"
        ? x === y
        : comparable(decode(a), compare) === comparable(decode(b), compare)
    ) {
      return x;
    }
    this.fail(
      `reply differs for ${describe(what).slice(0, 500)}\n  rift:  ${
        JSON.stringify(x.slice(0, 600))
      }\n  redis: ${JSON.stringify(y.slice(0, 600))}\n${await this.keysNow(what)}`,
    );
  }

  /**
   * Sends a command on a connection pair and compares its replies (when
   * replies are on); tracks MULTI, CLIENT REPLY SKIP and RESET. Returns
   * Rift's raw reply, or null when no reply was read.
   */
  private async command(c: ConnPair, args: Arg[], compare: Compare): Promise<string | null> {
    await this.sendOnly(c, args);
    const name = commandName(args);
    const silent = c.skip > 0 || (c.replyOff && name !== "RESET");
    if (c.skip > 0) c.skip--;
    if (name === "RESET") {
      // RESET turns replies back on; it answers unless it is the skipped command.
      c.queued = null;
      c.replyOff = false;
      c.skip = 0;
      c.resp3 = false;
    }
    if (silent) {
      c.unsynced = true;
      this.trackSilently(c, name);
      return null;
    }
    const [a, b] = await this.readBoth(c);
    c.unsynced = false;
    if (c.queued && name === "EXEC") {
      const queued = c.queued;
      if (c.queuedArgs.some((a) => ["SORT", "SORT_RO"].includes(commandName(a)))) {
        this.eventsUnordered = true;
      }
      c.queued = null;
      this.stats.transactions++;
      const x = decode(a);
      const y = decode(b);
      if (x.type === "array" && y.type === "array" && x.items.length === queued.length) {
        const same = x.items.length === y.items.length &&
          x.items.every((item, i) =>
            comparable(item, queued[i]) === comparable(y.items[i], queued[i])
          );
        if (same) return latin1(a);
        const i = x.items.findIndex((item, i) =>
          comparable(item, queued[i]) !== comparable(y.items[i], queued[i])
        );
        if (i >= 0) {
          this.fail(
            `EXEC differs at queued command ${i}: ${describe(c.queuedArgs[i] ?? [])}\n  rift:  ${
              exactForm(x.items[i]).slice(0, 600)
            }\n  redis: ${exactForm(y.items[i]).slice(0, 600)}\n${await this.keysNow(
              c.queuedArgs[i] ?? [],
            )}`,
          );
        }
      }
      return await this.check(args, a, b, "exact");
    }
    const reply = await this.check(args, a, b, c.queued ? "exact" : compare);
    if (c.queued) {
      if (name === "DISCARD") c.queued = null;
      else if (reply === "+QUEUED\r\n") {
        c.queued.push(compare);
        c.queuedArgs.push(args);
      }
    } else if (name === "MULTI" && reply === "+OK\r\n") {
      c.queued = [];
      c.queuedArgs = [];
    }
    return reply;
  }

  /** MULTI state changes of a command whose reply is suppressed by CLIENT REPLY. */
  private trackSilently(c: ConnPair, name: string): void {
    if (name === "MULTI" && !c.queued) {
      c.queued = [];
      c.queuedArgs = [];
    } else if (name === "EXEC" || name === "DISCARD") c.queued = null;
    else if (c.queued) {
      c.queued.push("exact");
      c.queuedArgs.push([name]);
    }
  }

  private idle(): ConnPair[] {
    return this.conns.filter((c) => !c.queued && !c.replyOff && c.skip === 0);
  }

  private async step(): Promise<void> {
    const gen = this.gen;
    const waiting = this.conns.find((c) => c.unsynced || c.replyOff || c.skip > 0);
    const c = waiting ?? gen.pick(this.conns);
    const r = gen.rng.next();
    if (c.replyOff && r < 0.05) {
      await this.clientReply(c);
    } else if (r < 0.04) {
      if (c.queued) await this.command(c, [gen.chance(0.85) ? "EXEC" : "DISCARD"], "exact");
      else await this.command(c, ["MULTI"], "exact");
    } else if (r < 0.055) {
      if (gen.chance(0.8)) await this.command(c, ["WATCH", ...gen.keys(1, 3)], "exact");
      else await this.command(c, ["UNWATCH"], "exact");
    } else if (r < 0.065) {
      await this.clientReply(c);
    } else if (r < 0.07) {
      await this.hello(c);
    } else if (r < 0.072) {
      await this.command(c, ["RESET"], "exact");
    } else if (r < 0.09) {
      // Scenarios pick their own connections: only when none is waiting.
      if (!waiting) await this.fullScan();
    } else if (r < 0.105) {
      if (!waiting) await this.dumpRestore();
    } else if (r < 0.112) {
      if (!waiting) await this.blocking();
    } else if (r < 0.1125) {
      await this.command(c, ["FLUSHALL"], "exact");
    } else if (r < 0.1135) {
      if (!waiting) await this.changeEncodingLimits();
    } else if (r < 0.1165 && this.options.persistence) {
      if (!waiting) await this.persistenceAction();
    } else {
      const cmd = gen.next();
      // A blocking command whose reply is not read would let the commands
      // after it run whenever its timeout fires: not in lockstep any more.
      const silent = !c.queued && (c.replyOff || c.skip > 0);
      if (silent && BLOCKING.has(commandName(cmd.args))) return;
      // Nor may an unanswered command span several TCP reads: a command on
      // another connection could run while its tail is still in flight.
      if (silent && cmd.args.some((a) => a instanceof Uint8Array && a.length > 2048)) return;
      await this.command(c, cmd.args, cmd.compare);
    }
  }

  private async clientReply(c: ConnPair): Promise<void> {
    if (c.queued) return;
    if (c.replyOff) {
      c.replyOff = false;
      await this.command(c, ["CLIENT", "REPLY", "ON"], "exact");
      return;
    }
    if (c.skip > 0) return;
    // Neither OFF nor SKIP has a reply of its own.
    if (this.gen.chance(0.5)) {
      c.replyOff = true;
      await this.command(c, ["CLIENT", "REPLY", "OFF"], "exact");
    } else {
      c.skip = 2;
      await this.command(c, ["CLIENT", "REPLY", "SKIP"], "exact");
    }
  }

  /** Switches protocol; the HELLO reply (ids, versions) is checked only for its shape. */
  private async hello(c: ConnPair): Promise<void> {
    if (c.queued || c.replyOff || c.skip > 0) return;
    const version = this.gen.chance(0.5) ? 3 : 2;
    await this.sendOnly(c, ["HELLO", String(version)]);
    const [a, b] = await this.readBoth(c);
    const x = decode(a);
    const y = decode(b);
    if (x.type !== y.type) this.fail(`HELLO ${version} reply types differ: ${x.type} vs ${y.type}`);
    c.resp3 = version === 3;
  }

  /** A full SCAN (or HSCAN/SSCAN/ZSCAN) iteration on each server, compared as sets. */
  private async fullScan(): Promise<void> {
    const idle = this.idle();
    if (idle.length === 0) return;
    const c = this.gen.pick(idle);
    const gen = this.gen;
    const kind = gen.pick(["SCAN", "SCAN", "HSCAN", "SSCAN", "ZSCAN"]);
    const key = gen.key();
    const options: Arg[] = [];
    if (gen.chance(0.3)) options.push("MATCH", gen.pick(["*", "k*", "?", "*\x00*", "[0-9]*"]));
    if (gen.chance(0.5)) options.push("COUNT", gen.pick(["1", "3", "10", "1000"]));
    if (kind === "SCAN" && gen.chance(0.3)) {
      options.push("TYPE", gen.pick(["string", "list", "hash", "set", "zset", "none"]));
    }
    this.stats.scans++;
    const results = await Promise.all([c.rift, c.redis].map(async (client) => {
      const seen = new Set<string>();
      let cursor = "0";
      for (let rounds = 0;; rounds++) {
        if (rounds > 100_000) return "endless";
        const args: Arg[] = kind === "SCAN"
          ? [kind, cursor, ...options]
          : [kind, key, cursor, ...options];
        const reply = await client.call(...args);
        if (reply.type === "error") return `error ${reply.text}`;
        if (reply.type !== "array" || reply.items.length !== 2) return `bad ${exactForm(reply)}`;
        const [next, items] = reply.items;
        if (next.type !== "bulk" || items.type !== "array") return `bad ${exactForm(reply)}`;
        if (kind === "SCAN" || kind === "SSCAN") {
          for (const item of items.items) seen.add(exactForm(item));
        } else {
          for (let i = 0; i < items.items.length; i += 2) {
            seen.add(`${exactForm(items.items[i])}=${exactForm(items.items[i + 1])}`);
          }
        }
        cursor = latin1(next.value);
        if (cursor === "0") return [...seen].sort().join("\n");
      }
    }));
    this.note(c, [kind, key, "0", ...options]);
    if (results[0] !== results[1]) {
      this.fail(`${kind} iteration differs:\n  rift:  ${results[0]}\n  redis: ${results[1]}`);
    }
  }

  /**
   * DUMP a key on both servers, then RESTORE one server's payload (either's)
   * on both, with random options; sometimes a corrupted payload.
   */
  private async dumpRestore(): Promise<void> {
    const idle = this.idle();
    if (idle.length === 0) return;
    const c = this.gen.pick(idle);
    const gen = this.gen;
    const key = gen.key();
    await this.sendOnly(c, ["DUMP", key]);
    const [a, b] = await this.readBoth(c);
    const x = decode(a);
    const y = decode(b);
    if (x.type !== y.type) await this.check(["DUMP", key], a, b, "exact");
    if (x.type !== "bulk" || y.type !== "bulk") return;
    if (latin1(a) === latin1(b)) this.stats.dumpsIdentical++;
    else this.stats.dumpsDifferent++;
    const payload = (gen.chance(0.5) ? x.value : y.value).slice();
    if (gen.chance(0.05)) payload[gen.int(payload.length)] ^= 1 << gen.int(8);
    const args: Arg[] = ["RESTORE", gen.key()];
    const absolute = gen.chance(0.2);
    args.push(absolute ? String(gen.absoluteMs()) : gen.pick(["0", "0", "0", "-1"]), payload);
    if (gen.chance(0.7)) args.push("REPLACE");
    if (absolute) args.push("ABSTTL");
    if (gen.chance(0.1)) args.push("IDLETIME", gen.pick(["0", "100", "-1"]));
    if (gen.chance(0.05)) args.push("FREQ", gen.pick(["0", "10", "256"]));
    this.stats.restores++;
    await this.command(c, args, "exact");
  }

  /**
   * One connection blocks (or is served at once) on a list or sorted set
   * key; another runs a few random commands, then makes sure the key has an
   * element so the first is always woken.
   */
  private async blocking(): Promise<void> {
    const idle = this.idle();
    if (idle.length < 2) return;
    const gen = this.gen;
    const a = gen.pick(idle);
    const b = gen.pick(idle.filter((c) => c !== a));
    const db = String(gen.int(MIXED_DATABASES));
    await this.command(a, ["SELECT", db], "exact");
    await this.command(b, ["SELECT", db], "exact");
    const key = gen.key();
    const other = gen.key();
    const end = () => gen.pick(["LEFT", "RIGHT"]);
    const forms: [Arg[], boolean][] = [
      [["BLPOP", key, other, "0"], true],
      [["BRPOP", key, "0"], true],
      [["BLMOVE", key, other, end(), end(), "0"], true],
      [["BRPOPLPUSH", key, other, "0"], true],
      [["BLMPOP", "0", "2", key, other, end(), "COUNT", "3"], true],
      [["BZPOPMIN", key, other, "0"], false],
      [["BZPOPMAX", key, "0"], false],
      [["BZMPOP", "0", "1", key, gen.pick(["MIN", "MAX"]), "COUNT", "2"], false],
    ];
    const [blocking, isList] = gen.pick(forms);
    this.stats.blockingScenarios++;
    await this.sendOnly(a, blocking);
    await this.untilBlockedOrAnswered(a);
    if (gen.chance(0.4)) {
      // The key may also arrive whole, under a new name.
      const from = gen.key();
      const moves: Arg[][] = [
        ["RENAME", from, key],
        ["RENAMENX", from, key],
        ["COPY", from, key, "REPLACE"],
        ["SMOVE", from, key, gen.member()],
        ["LMOVE", from, key, end(), end()],
        ["ZUNIONSTORE", key, "2", from, other],
      ];
      await this.command(b, gen.pick(moves), "exact");
    }
    for (let i = gen.int(4); i > 0; i--) {
      const cmd = gen.next();
      // The waker stays in its database and out of MULTI, so its push lands.
      const name = commandName(cmd.args);
      if (["SELECT", "SWAPDB", "FLUSHDB", "MULTI", "EXEC", "DISCARD"].includes(name)) continue;
      await this.command(b, cmd.args, cmd.compare);
    }
    await this.command(b, ["DEL", key], "exact");
    await this.command(b, isList ? ["RPUSH", key, "w1", "w2"] : ["ZADD", key, "1", "w"], "exact");
    const [x, y] = await this.readBoth(a);
    await this.check(blocking, x, y, "exact");
  }

  /** CONFIG SET of an encoding limit on both servers: later writes convert at new sizes. */
  private async changeEncodingLimits(): Promise<void> {
    const gen = this.gen;
    const name = gen.pick([
      "hash-max-listpack-entries",
      "hash-max-listpack-value",
      "set-max-intset-entries",
      "zset-max-listpack-entries",
      "zset-max-listpack-value",
      "list-max-listpack-size",
    ]);
    const value = name === "list-max-listpack-size"
      ? gen.pick(["-2", "-1", "1", "4", "128"])
      : gen.pick(["0", "1", "4", "64", "128", "512"]);
    const [x, y] = await Promise.all(this.inspect.map((c) => c.raw("CONFIG", "SET", name, value)));
    this.note(null, ["CONFIG", "SET", name, value]);
    if (x !== y) this.fail(`CONFIG SET ${name} ${value}: ${x} vs ${y}`);
  }

  /**
   * SAVE (its file must load as the current dataset), BGSAVE (its file must
   * load as the dataset of the moment it began, while the workload goes
   * on), BGREWRITEAOF (checked by the final restart) or DEBUG RELOAD on
   * both servers (replies, then datasets and encodings compared).
   */
  private async persistenceAction(): Promise<void> {
    const [rift, redis] = this.inspect;
    const stats = this.stats.persistence;
    const r = this.gen.rng.next();
    if (r < 0.25) {
      if (this.pendingSnapshot) return;
      const reply = await rift.raw("SAVE");
      if (reply !== "+OK\r\n") this.fail(`SAVE: ${reply}`);
      stats.saves++;
      await this.verify("SAVE", await redisDataset(rift, MIXED_DATABASES));
    } else if (r < 0.55) {
      if (this.pendingSnapshot) return;
      const reply = await rift.raw("BGSAVE");
      if (reply !== "+Background saving started\r\n") this.fail(`BGSAVE: ${reply}`);
      // Nothing ran since the reply: this is the dataset the file must hold.
      this.pendingSnapshot = await redisDataset(rift, MIXED_DATABASES);
      stats.bgsaves++;
    } else if (r < 0.7) {
      if (this.options.persistence !== "aof") return;
      const reply = await rift.raw("BGREWRITEAOF");
      if (!reply.startsWith("+Background append only file rewriting")) {
        this.fail(`BGREWRITEAOF: ${reply}`);
      }
      stats.rewrites++;
    } else {
      if (this.pendingSnapshot || !(await backgroundDone(rift))) return;
      const [x, y] = await Promise.all([rift.raw("DEBUG", "RELOAD"), redis.raw("DEBUG", "RELOAD")]);
      if (x !== y) this.fail(`DEBUG RELOAD: ${x} vs ${y}`);
      stats.reloads++;
      await this.compareEvents();
      await this.compareDatasets();
    }
  }

  /** Verifies the file of a finished BGSAVE (waits for it when `wait`). */
  private async checkBackgroundSave(wait: boolean): Promise<void> {
    const rift = this.inspect[0];
    if (wait) await waitFor(() => backgroundDone(rift), "BGSAVE");
    else if (!(await backgroundDone(rift))) return;
    const status = String(await rift.value("INFO", "persistence"));
    if (!/^rdb_last_bgsave_status:ok\r$/m.test(status)) this.fail("BGSAVE failed");
    const expected = this.pendingSnapshot!;
    this.pendingSnapshot = null;
    await this.verify("BGSAVE", expected);
  }

  private async verify(what: string, expected: CanonicalDataset): Promise<void> {
    try {
      await verifySnapshot(`${this.riftDir}/dump.rdb`, expected, MIXED_DATABASES, what);
    } catch (e) {
      this.fail(String(e));
    }
    this.stats.persistence.snapshotsVerified++;
  }

  /** The pool keys named in a command as each server holds them now, for failure reports. */
  private async keysNow(args: Arg[]): Promise<string> {
    const named = new Set(
      args.slice(1).map((a) => a instanceof Uint8Array ? latin1(a) : String(a)),
    );
    const [x, y] = await Promise.all(this.inspect.map((c) => redisDataset(c, MIXED_DATABASES)));
    const lines: string[] = [];
    for (const [side, data] of [["rift", x], ["redis", y]] as const) {
      for (const [name, entry] of Object.entries(data)) {
        if (named.has(name.slice(name.indexOf(":") + 1))) {
          lines.push(`  ${side} ${JSON.stringify(name)}: ${JSON.stringify(entry).slice(0, 400)}`);
        }
      }
    }
    return `keys after the command:\n${lines.join("\n")}`;
  }

  /**
   * Waits until each server has run a connection's blocking command: it is
   * either blocked or has answered. Otherwise another connection's command
   * could overtake it on one server and not on the other.
   */
  private async untilBlockedOrAnswered(c: ConnPair): Promise<void> {
    const sides = [[c.rift, this.inspect[0]], [c.redis, this.inspect[1]]] as const;
    for (const [client, inspector] of sides) {
      for (let i = 0;; i++) {
        if (client.hasReply) break;
        const info = String(await inspector.value("INFO", "clients"));
        if (/^blocked_clients:[1-9]/m.test(info)) break;
        if (i > 2000) this.fail("a blocking command neither blocked nor answered");
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  private async compareEvents(): Promise<void> {
    const [x, y] = await Promise.all([this.taps[0].take(), this.taps[1].take()]);
    this.stats.events += y.length;
    if (this.eventsUnordered) {
      x.sort();
      y.sort();
      this.eventsUnordered = false;
    }
    if (TRACE) { for (const e of x) this.history.push({ conn: -2, line: `    event ${e}` }); }
    if (x.join("\n") !== y.join("\n")) {
      this.fail(`keyspace events differ:\n  rift:  ${x.join(" | ")}\n  redis: ${y.join(" | ")}`);
    }
    if (this.propagation === null) return;
    const [px, py] = await Promise.all(this.propagation.map((p) => p.take()));
    this.stats.propagated += py.length;
    if (px.join("\n") !== py.join("\n")) {
      this.fail(
        `propagated commands differ:\n  rift:  ${px.join(" | ").slice(0, 1500)}\n  redis: ${
          py.join(" | ").slice(0, 1500)
        }`,
      );
    }
  }

  /** Compares every key of databases 0-3: type, value, expiry and encoding. */
  private async compareDatasets(): Promise<void> {
    const [rift, redis] = this.inspect;
    const [x, y] = await Promise.all([
      redisDataset(rift, MIXED_DATABASES),
      redisDataset(redis, MIXED_DATABASES),
    ]);
    this.stats.datasetChecks++;
    this.stats.keysCompared += Object.keys(y).length;
    try {
      assertEquals(x, y, "datasets differ");
    } catch (e) {
      this.fail(String(e));
    }
    const [lx, ly] = await Promise.all([
      rift.value("CLIENT", "LIST", "ID", ...this.conns.map((c) => c.ids[0])),
      redis.value("CLIENT", "LIST", "ID", ...this.conns.map((c) => c.ids[1])),
    ]);
    const dbs = (list: unknown) => String(list).split("\n").map((l) => /db=(\d+)/.exec(l)?.[1]);
    try {
      assertEquals(dbs(lx), dbs(ly), "connection databases differ (CLIENT LIST)");
    } catch (e) {
      this.fail(String(e));
    }
    const [kx, ky] = await Promise.all([keyspaceCounts(rift), keyspaceCounts(redis)]);
    try {
      assertEquals(kx, ky, "INFO keyspace counts differ");
    } catch (e) {
      this.fail(String(e));
    }
    const [px, py] = await Promise.all([presence(rift), presence(redis)]);
    try {
      assertEquals(px, py, "keys found by DUMP differ");
    } catch (e) {
      this.fail(String(e));
    }
    const [ex, ey] = await Promise.all([encodings(rift), encodings(redis)]);
    try {
      assertEquals(ex, ey, "encodings differ");
    } catch (e) {
      this.fail(String(e));
    }
  }
}

/** `OBJECT ENCODING` of every key in databases 0-3. */
async function encodings(c: RespClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (let db = 0; db < MIXED_DATABASES; db++) {
    await c.call("SELECT", db);
    const keys = await c.value("KEYS", "*") as string[];
    for (const name of keys) {
      const key = Uint8Array.from(name, (ch) => ch.charCodeAt(0));
      out[`${db}:${name}`] = String(await c.value("OBJECT", "ENCODING", key));
    }
  }
  await c.call("SELECT", 0);
  return out;
}

/** `keys=` and `expires=` of every database in INFO keyspace (avg_ttl depends on the clock). */
async function keyspaceCounts(c: RespClient): Promise<string[]> {
  const info = String(await c.value("INFO", "keyspace"));
  return [...info.matchAll(/^(db\d+):keys=(\d+),expires=(\d+)/gm)].map((m) => m.slice(1).join(" "));
}

/** Which pool keys DUMP finds in each database (a direct lookup, unlike KEYS). */
async function presence(c: RespClient): Promise<string[]> {
  const found: string[] = [];
  for (let db = 0; db < MIXED_DATABASES; db++) {
    await c.call("SELECT", db);
    for (const key of [...MIXED_KEYS, ...LEX_KEYS]) {
      if ((await c.call("DUMP", b(key))).type === "bulk") found.push(`${db}:${key}`);
    }
  }
  await c.call("SELECT", 0);
  return found;
}

/** Formats the per-command counts, most used first. */
export function formatCounts(stats: MixedStats): string {
  return [...stats.perCommand.entries()].sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}=${n}`).join(" ");
}
