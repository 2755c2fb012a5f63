/**
 * Soak run: many clients that keep connecting, sending a mix of commands
 * (pipelined or one at a time), and disconnecting — politely, with QUIT, or
 * abruptly with replies still unread. Every reply of a completed session is
 * checked against what the session expects, so a single wrong or failed
 * command fails the soak.
 *
 * As a program it starts Rift, runs a million commands from 200 clients,
 * and checks that connected clients, open file descriptors and resident
 * memory come back to their baseline afterwards:
 *
 *   deno run -A bench/soak.ts [--commands 1000000] [--clients 200] [--seed 1]
 *
 * tests/integration/soak_test.ts runs a short version against an embedded
 * server, where Deno's test sanitizers also catch leaked timers and ops.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { encodeCommand } from "../tests/helpers/client.ts";
import { type Reply, ReplyParser } from "../src/resp/reply_parser.ts";

/** What a soak run did. */
export interface SoakReport {
  /** Commands sent. */
  commands: number;
  /** Connections opened. */
  connections: number;
  /** Sessions that dropped the connection with replies unread. */
  abrupt: number;
  /** Replies checked. */
  checked: number;
  /** Descriptions of failed checks (empty when all passed). */
  failures: string[];
  /** Wall-clock duration in ms. */
  millis: number;
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  port: number;
  /** Total commands to send. */
  commands: number;
  /** Concurrent clients. */
  clients: number;
  /** Seed of the workload's PRNG. */
  seed?: number;
  /** Most commands in one connection. */
  maxSessionCommands?: number;
}

/** A reply the session expects; `any` accepts anything but an error. */
type Expect =
  | { kind: "simple"; text: string }
  | { kind: "int"; value: bigint }
  | { kind: "bulk"; text: string | null }
  | { kind: "arrayLength"; length: number }
  | { kind: "any" };

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OK: Expect = { kind: "simple", text: "OK" };
const ANY: Expect = { kind: "any" };

/**
 * Every key the sessions of a client slot use. Sessions that will be dropped
 * use their own namespace (`dropped`): the server may still be executing a
 * dropped session's commands while the slot's next session runs.
 */
function slotKeys(slot: number, dropped: boolean): string[] {
  const k = dropped ? `soak:${slot}:x` : `soak:${slot}`;
  const keys = [`${k}:n`, `${k}:l`, `${k}:set`, `${k}:h`, `${k}:tx`];
  for (let f = 0; f < 8; f++) keys.push(`${k}:s:${f}`);
  return keys;
}

/**
 * Builds one session's commands and the replies they must get. Keys belong
 * to the client slot, so sessions of different clients never interfere;
 * every key a session creates is deleted (or expires) by the session.
 */
function buildSession(
  random: () => number,
  slot: number,
  size: number,
  dropped: boolean,
): { commands: string[][]; expects: Expect[] } {
  const commands: string[][] = [];
  const expects: Expect[] = [];
  const add = (expect: Expect, ...cmd: string[]) => {
    commands.push(cmd);
    expects.push(expect);
  };
  const keys = slotKeys(slot, dropped);
  const k = keys[0].slice(0, keys[0].lastIndexOf(":"));
  // A dropped session may have left keys behind: start clean, and leave nothing behind.
  add(ANY, "DEL", ...keys);
  let counter = 0n;
  let listLength = 0;
  const values = new Map<string, string>();
  while (commands.length < size) {
    const pick = Math.floor(random() * 14);
    const field = String(Math.floor(random() * 8));
    switch (pick) {
      case 0: {
        const value = `v${Math.floor(random() * 1e9)}`;
        values.set(field, value);
        add(OK, "SET", `${k}:s:${field}`, value);
        break;
      }
      case 1:
        add({ kind: "bulk", text: values.get(field) ?? null }, "GET", `${k}:s:${field}`);
        break;
      case 2:
        counter++;
        add({ kind: "int", value: counter }, "INCR", `${k}:n`);
        break;
      case 3:
        listLength++;
        add({ kind: "int", value: BigInt(listLength) }, "RPUSH", `${k}:l`, field);
        break;
      case 4:
        if (listLength > 0) listLength--;
        add(ANY, "LPOP", `${k}:l`);
        break;
      case 5:
        add(ANY, "SADD", `${k}:set`, field);
        break;
      case 6:
        add(ANY, "HSET", `${k}:h`, field, "x");
        break;
      case 7:
        add({ kind: "simple", text: "PONG" }, "PING");
        break;
      case 8:
        add(OK, "MULTI");
        add({ kind: "simple", text: "QUEUED" }, "INCR", `${k}:tx`);
        add({ kind: "simple", text: "QUEUED" }, "PING");
        add({ kind: "arrayLength", length: 2 }, "EXEC");
        break;
      case 9:
        add({ kind: "arrayLength", length: 3 }, "SUBSCRIBE", `${k}:ch`);
        add({ kind: "arrayLength", length: 2 }, "PING");
        add({ kind: "arrayLength", length: 3 }, "UNSUBSCRIBE", `${k}:ch`);
        break;
      case 10:
        // A blocking pop that times out: the server arms and must clear a timer.
        if (random() < 0.1) add({ kind: "arrayLength", length: -1 }, "BLPOP", `${k}:empty`, "0.01");
        else add(ANY, "EXISTS", `${k}:s:${field}`);
        break;
      case 11: {
        const value = `e${Math.floor(random() * 1e9)}`;
        values.set(field, value);
        add(OK, "SET", `${k}:s:${field}`, value, "EX", "100");
        break;
      }
      case 12:
        add(ANY, "MGET", `${k}:s:0`, `${k}:s:1`, `${k}:s:2`);
        break;
      default:
        add(ANY, "INFO", "clients");
    }
  }
  add(ANY, "DEL", ...keys);
  return { commands, expects };
}

function text(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Checks a reply; returns a description of the mismatch or null. */
function check(reply: Reply, expect: Expect): string | null {
  if (reply.type === "error") return `error reply: ${reply.text}`;
  switch (expect.kind) {
    case "any":
      return null;
    case "simple":
      return reply.type === "simple" && reply.text === expect.text
        ? null
        : `expected +${expect.text}, got ${JSON.stringify(reply)}`;
    case "int":
      return reply.type === "integer" && reply.value === expect.value
        ? null
        : `expected :${expect.value}, got ${JSON.stringify(reply, bigintText)}`;
    case "bulk":
      if (expect.text === null) {
        return reply.type === "nullBulk" || reply.type === "null" ? null : `expected nil`;
      }
      return reply.type === "bulk" && text(reply.value) === expect.text
        ? null
        : `expected "${expect.text}", got ${JSON.stringify(reply)}`;
    case "arrayLength":
      if (expect.length < 0) {
        return reply.type === "nullArray" || reply.type === "null" ? null : "expected nil array";
      }
      return (reply.type === "array" || reply.type === "push") &&
          reply.items.length === expect.length
        ? null
        : `expected an array of ${expect.length}, got ${JSON.stringify(reply, bigintText)}`;
  }
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/**
 * Reads replies until `count` arrived (returning them) or the server closed
 * the connection (returning fewer).
 */
async function readReplies(
  conn: Deno.Conn,
  parser: ReplyParser,
  buf: Uint8Array,
  count: number,
  into: Reply[],
): Promise<void> {
  while (into.length < count) {
    for (let r = parser.next(); r !== undefined && into.length < count; r = parser.next()) {
      into.push(r.reply);
    }
    if (into.length >= count) return;
    const n = await conn.read(buf);
    if (n === null) return;
    parser.feed(buf.subarray(0, n));
  }
}

/** Runs one client slot until the shared command budget is spent. */
async function runClient(
  options: Required<SoakOptions>,
  slot: number,
  budget: { left: number },
  report: SoakReport,
): Promise<void> {
  const random = prng(options.seed * 1000 + slot);
  const buf = new Uint8Array(64 * 1024);
  while (budget.left > 0) {
    const size = 1 + Math.floor(random() * options.maxSessionCommands);
    const ending = random();
    const dropped = ending < 0.05;
    const { commands, expects } = buildSession(random, slot, size, dropped);
    budget.left -= commands.length;
    report.commands += commands.length;
    report.connections++;
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: options.port });
    const parser = new ReplyParser();
    const replies: Reply[] = [];
    try {
      if (dropped) {
        // Abrupt: send everything, read nothing, drop the connection.
        report.abrupt++;
        await writeAll(conn, concat(commands.map((c) => encodeCommand(c))));
        continue;
      }
      if (random() < 0.5) {
        await writeAll(conn, concat(commands.map((c) => encodeCommand(c))));
        await readReplies(conn, parser, buf, commands.length, replies);
      } else {
        for (const cmd of commands) {
          await writeAll(conn, encodeCommand(cmd));
          await readReplies(conn, parser, buf, replies.length + 1, replies);
        }
      }
      if (replies.length < commands.length) {
        report.failures.push(`slot ${slot}: connection closed after ${replies.length} replies`);
      }
      for (let i = 0; i < replies.length; i++) {
        const problem = check(replies[i], expects[i]);
        report.checked++;
        if (problem !== null && report.failures.length < 20) {
          report.failures.push(`slot ${slot}: ${commands[i].join(" ")}: ${problem}`);
        }
      }
      if (ending < 0.15) {
        await writeAll(conn, encodeCommand(["QUIT"]));
        const quit: Reply[] = [];
        await readReplies(conn, parser, buf, 1, quit);
        if (quit[0]?.type !== "simple") report.failures.push(`slot ${slot}: QUIT got no +OK`);
      }
    } catch (e) {
      if (report.failures.length < 20) report.failures.push(`slot ${slot}: ${e}`);
    } finally {
      conn.close();
    }
  }
}

/**
 * Deletes every key the slots used, once the server has closed all the soak's
 * connections (so no dropped session's command can still run).
 */

/**
 * Open files of a process once the count has stopped changing: the INFO
 * connections the measurement itself just made close on the server a moment
 * after the client closes them, and must not count as a leak.
 */
async function settledOpenFiles(openFiles: () => number): Promise<number> {
  let last = openFiles();
  for (let stable = 0, i = 0; stable < 3 && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const now = openFiles();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}
async function cleanUp(port: number, clients: number, report: SoakReport): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Number(await infoField(port, "clients", "connected_clients")) > 1) {
    if (Date.now() > deadline) {
      report.failures.push("connections were not closed by the server");
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const commands: Uint8Array[] = [];
    for (let slot = 0; slot < clients; slot++) {
      commands.push(encodeCommand(["DEL", ...slotKeys(slot, false), ...slotKeys(slot, true)]));
    }
    await writeAll(conn, concat(commands));
    const replies: Reply[] = [];
    await readReplies(conn, new ReplyParser(), new Uint8Array(64 * 1024), clients, replies);
    if (replies.length !== clients || replies.some((r) => r.type !== "integer")) {
      report.failures.push("the final clean-up failed");
    }
  } finally {
    conn.close();
  }
}

/** Runs the soak workload against a server on `port`. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const full: Required<SoakOptions> = { seed: 1, maxSessionCommands: 60, ...options };
  const report: SoakReport = {
    commands: 0,
    connections: 0,
    abrupt: 0,
    checked: 0,
    failures: [],
    millis: 0,
  };
  const budget = { left: full.commands };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: full.clients }, (_, slot) => runClient(full, slot, budget, report)),
  );
  report.millis = performance.now() - started;
  await cleanUp(full.port, full.clients, report);
  return report;
}

/** Reads one INFO field from a server. */
export async function infoField(port: number, section: string, field: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(conn, encodeCommand(["INFO", section]));
    const replies: Reply[] = [];
    await readReplies(conn, new ReplyParser(), new Uint8Array(64 * 1024), 1, replies);
    const reply = replies[0];
    if (reply?.type !== "bulk") throw new Error(`INFO ${section}: ${JSON.stringify(reply)}`);
    const m = new RegExp(`^${field}:(.*)$`, "m").exec(text(reply.value));
    return m ? m[1].trim() : "";
  } finally {
    conn.close();
  }
}

if (import.meta.main) {
  const { cpuMicrosOf, openFilesOf, rssOf, startRiftProcess, command } = await import(
    "./servers.ts"
  );
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      commands: { type: "string", default: "1000000" },
      clients: { type: "string", default: "200" },
      seed: { type: "string", default: "1" },
    },
  });
  const rift = await startRiftProcess();
  let failed = false;
  try {
    const settle = async () => {
      await command(rift.port, "FLUSHALL");
      await command(rift.port, "MEMORY", "PURGE");
      await new Promise((r) => setTimeout(r, 1500));
    };
    // A first shorter run warms up the JIT, the heap and the buffer pool, so the
    // baseline is the steady state and growth after it means a leak.
    await runSoak({
      port: rift.port,
      commands: 100_000,
      clients: Number(values.clients),
      seed: 99,
    });
    await settle();
    const before = {
      clients: Number(await infoField(rift.port, "clients", "connected_clients")),
      files: await settledOpenFiles(() => openFilesOf(rift.pid)),
      rss: rssOf(rift.pid),
      heap: Number(await infoField(rift.port, "memory", "used_memory_vm_heap")),
    };
    const cpu = cpuMicrosOf(rift.pid);
    const report = await runSoak({
      port: rift.port,
      commands: Number(values.commands),
      clients: Number(values.clients),
      seed: Number(values.seed),
    });
    const cpuMicros = cpuMicrosOf(rift.pid) - cpu;
    // Give the server a moment to see the last disconnections.
    await new Promise((r) => setTimeout(r, 500));
    await settle();
    const after = {
      clients: Number(await infoField(rift.port, "clients", "connected_clients")),
      blocked: Number(await infoField(rift.port, "clients", "blocked_clients")),
      files: await settledOpenFiles(() => openFilesOf(rift.pid)),
      rss: rssOf(rift.pid),
      heap: Number(await infoField(rift.port, "memory", "used_memory_vm_heap")),
      errors: Number(await infoField(rift.port, "stats", "total_error_replies")),
    };
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    console.log(
      `${report.commands} commands over ${report.connections} connections (${report.abrupt} dropped with replies unread) in ${
        (report.millis / 1000).toFixed(1)
      } s; ${report.checked} replies checked; server CPU ${
        (cpuMicros / report.commands).toFixed(2)
      } µs per command; sockets: ${await infoField(rift.port, "server", "multiplexing_api")}.`,
    );
    console.log(
      `connected clients ${before.clients} → ${after.clients}, blocked ${after.blocked}; open files ${before.files} → ${after.files}; RSS ${
        mb(before.rss)
      } → ${mb(after.rss)}; V8 heap in use ${mb(before.heap)} → ${
        mb(after.heap)
      }; error replies ${after.errors}.`,
    );
    const problems = [...report.failures];
    if (after.clients !== before.clients) problems.push("connected clients did not return");
    if (after.blocked !== 0) problems.push("clients still blocked");
    if (after.files > before.files) problems.push("file descriptors leaked");
    if (after.errors !== 0) problems.push("error replies were sent");
    // Allow for allocator noise, not for per-connection growth (a million commands would show it).
    if (after.rss > before.rss * 1.1 + 8 * 2 ** 20) problems.push("resident memory did not return");
    if (after.heap > before.heap + 2 ** 20) problems.push("the V8 heap kept objects");
    for (const p of problems) console.log(`FAIL: ${p}`);
    failed = problems.length > 0;
    if (!failed) console.log("Soak passed.");
  } finally {
    await rift.stop();
  }
  if (failed) Deno.exit(1);
}
