/**
 * Long seeded random sequences of key commands (plus the string commands
 * that exist: SET with its options, SETNX, SETEX, PSETEX, GET) sent to Rift
 * and to a real redis-server, replies compared byte for byte: arrays whose
 * order is unspecified (KEYS, SCAN) are sorted first, and TTL-family
 * replies of keys whose expiry was set relative to "now" are compared
 * within a small tolerance (the two servers read their clocks at slightly
 * different instants).
 *
 * Expiry arguments come from a coarse grid (multiples of 10^6 ms) so that
 * GT/LT decisions never depend on the few milliseconds between the two
 * servers; a relative time is never compared with another relative time of
 * the same grid step (the shadow model below steers around that), which
 * would depend on how many milliseconds passed between two commands.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { toValue, type Value } from "../helpers/client.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";
import { type Pair, withPair } from "../helpers/differential.ts";
import { bytes, rng, sortedValue } from "./keys_helpers.ts";

const STEP_MS = 1_000_000;
const DATABASES = 4;

/** What set a key's expiry, so GT/LT comparisons can be kept deterministic. */
type Label = { kind: "relative"; step: number } | { kind: "absolute" };

interface Shadow {
  db: number;
  labels: Map<string, Label>[];
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

function decode(raw: string): Value {
  const parser = new ReplyParser();
  parser.feed(bytes(raw));
  return toValue(parser.next()!.reply);
}

/** Keys from a small pool (so commands collide), binary and empty ones included. */
function keyPool(): Uint8Array[] {
  const names = ["a", "b", "c", "d", "e", "", "\0", "k\r\n", "\xff\x80", "\u00e9", "x:1", "x:2"];
  return names.map(bytes);
}

function randomValue(rand: () => number): Uint8Array {
  const r = rand();
  if (r < 0.25) return bytes(String(Math.floor(rand() * 20_000) - 5));
  if (r < 0.35) return bytes("");
  if (r < 0.45) return bytes("\0\r\n\xff" + Math.floor(rand() * 100));
  if (r < 0.8) return bytes("v".repeat(1 + Math.floor(rand() * 60)));
  if (r < 0.97) return bytes("w".repeat(100 + Math.floor(rand() * 5000)));
  return new Uint8Array(70_000).fill(0x61 + Math.floor(rand() * 26));
}

class Fuzzer {
  readonly shadow: Shadow = { db: 0, labels: Array.from({ length: DATABASES }, () => new Map()) };
  readonly keys = keyPool();
  counts = new Map<string, number>();
  constructor(
    readonly p: Pair,
    readonly rand: () => number,
    readonly base: number,
  ) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)];
  }

  key(): Uint8Array {
    return this.pick(this.keys);
  }

  labels(db = this.shadow.db): Map<string, Label> {
    return this.shadow.labels[db];
  }

  /** A relative step that does not tie with the key's current relative expiry. */
  relativeStep(key: Uint8Array, comparing: boolean): number {
    const current = this.labels().get(latin1(key));
    for (;;) {
      const step = Math.floor(this.rand() * 7) - 2; // -2..4: <= 0 is in the past
      if (comparing && step > 0 && current?.kind === "relative" && current.step === step) continue;
      return step;
    }
  }

  /** An absolute time (ms) on the grid: steps <= 0 are in the past. */
  absolute(step: number): number {
    return this.base + step * STEP_MS;
  }

  async send(...args: (string | Uint8Array)[]): Promise<[string, string]> {
    const name = (typeof args[0] === "string" ? args[0] : latin1(args[0])).toUpperCase();
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    return await this.p.both(...args);
  }

  async same(...args: (string | Uint8Array)[]): Promise<string> {
    const [a, b] = await this.send(...args);
    assertEquals(a, b, `reply differs for ${describe(args)}`);
    return a;
  }

  async sameSorted(...args: (string | Uint8Array)[]): Promise<void> {
    const [a, b] = await this.send(...args);
    assertEquals(sortedValue(decode(a)), sortedValue(decode(b)), `differs: ${describe(args)}`);
  }

  /** TTL-family replies: exact unless the expiry is relative, then within `tolerance`. */
  async sameTime(command: string, key: Uint8Array): Promise<void> {
    const [a, b] = await this.send(command, key);
    const label = this.labels().get(latin1(key));
    const x = decode(a);
    const y = decode(b);
    const absoluteQuery = command.endsWith("EXPIRETIME");
    if (typeof x !== "number" || typeof y !== "number" || x < 0 || y < 0) {
      assertEquals(a, b, `${command} ${JSON.stringify(latin1(key))}`);
      return;
    }
    const exact = absoluteQuery && label?.kind === "absolute";
    const tolerance = exact ? 0 : command.startsWith("P") ? 200 : 1;
    assertTrue(
      Math.abs(x - y) <= tolerance,
      `${command} ${JSON.stringify(latin1(key))}: ${x} vs ${y}`,
    );
  }

  async step(): Promise<void> {
    const r = this.rand();
    const key = this.key();
    const k = latin1(key);
    const labels = this.labels();
    if (r < 0.12) {
      await this.setCommand(key);
    } else if (r < 0.15) {
      const v = randomValue(this.rand);
      if (await this.same("SETNX", key, v) === ":1\r\n") labels.delete(k);
    } else if (r < 0.18) {
      const step = this.relativeStep(key, false);
      const seconds = this.rand() < 0.5;
      const amount = seconds ? String(step * 1000) : String(step * STEP_MS);
      const reply = await this.same(seconds ? "SETEX" : "PSETEX", key, amount, "v");
      if (reply === "+OK\r\n") labels.set(k, { kind: "relative", step });
    } else if (r < 0.23) {
      await this.same("GET", key);
    } else if (r < 0.36) {
      await this.expireCommand(key);
    } else if (r < 0.39) {
      if (await this.same("PERSIST", key) === ":1\r\n") labels.delete(k);
    } else if (r < 0.47) {
      await this.sameTime(this.pick(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), key);
    } else if (r < 0.52) {
      const many = [key, this.key(), this.key()].slice(0, 1 + Math.floor(this.rand() * 3));
      await this.same(this.pick(["DEL", "UNLINK"]), ...many);
      for (const m of many) labels.delete(latin1(m));
    } else if (r < 0.57) {
      const many = [key, this.key(), key, this.key()].slice(0, 1 + Math.floor(this.rand() * 4));
      await this.same(this.pick(["EXISTS", "TOUCH"]), ...many);
    } else if (r < 0.6) {
      await this.same("TYPE", key);
    } else if (r < 0.66) {
      const to = this.key();
      const nx = this.rand() < 0.4;
      const reply = await this.same(nx ? "RENAMENX" : "RENAME", key, to);
      if ((reply === "+OK\r\n" || reply === ":1\r\n") && latin1(to) !== k) {
        moveLabel(labels, k, labels, latin1(to));
      }
    } else if (r < 0.71) {
      await this.copyCommand(key);
    } else if (r < 0.74) {
      const target = this.rand() < 0.1 ? "16" : String(this.pick([0, 1, 2, 3]));
      if (await this.same("MOVE", key, target) === ":1\r\n") {
        moveLabel(labels, k, this.labels(Number(target)), k);
      }
    } else if (r < 0.77) {
      const db = this.pick([0, 1, 2, 3]);
      await this.same("SELECT", String(db));
      this.shadow.db = db;
    } else if (r < 0.8) {
      await this.same("OBJECT", this.pick(["ENCODING", "REFCOUNT", "encoding"]), key);
    } else if (r < 0.85) {
      const pattern = this.pick(["*", "?", "x:*", "[a-c]", "*\r\n", "", "[^a]*", "\\*", "**"]);
      await this.sameSorted("KEYS", bytes(pattern));
    } else if (r < 0.88) {
      await this.fullScan();
    } else if (r < 0.91) {
      const size = await this.same("DBSIZE");
      if (size === ":0\r\n" || size === ":1\r\n") await this.same("RANDOMKEY");
    } else if (r < 0.912) {
      await this.same("FLUSHDB");
      labels.clear();
    } else {
      await this.errorCase(key);
    }
  }

  async setCommand(key: Uint8Array): Promise<void> {
    const args: (string | Uint8Array)[] = ["SET", key, randomValue(this.rand)];
    const cond = this.pick(["", "", "NX", "XX"]);
    if (cond) args.push(cond);
    const get = cond === "" && this.rand() < 0.3;
    if (get) args.push("GET");
    const expiry = this.pick(["", "", "KEEPTTL", "EX", "PX", "EXAT", "PXAT"]);
    let label: Label | undefined | "keep";
    if (expiry === "KEEPTTL") {
      args.push("KEEPTTL");
      label = "keep";
    } else if (expiry === "EX" || expiry === "PX") {
      const step = 1 + Math.floor(this.rand() * 4);
      args.push(expiry, String(expiry === "EX" ? step * 1000 : step * STEP_MS));
      label = { kind: "relative", step };
    } else if (expiry !== "") {
      const at = this.absolute(1 + Math.floor(this.rand() * 4));
      args.push(expiry, String(expiry === "EXAT" ? Math.floor(at / 1000) : at));
      label = { kind: "absolute" };
    }
    const reply = await this.same(...args);
    const done = get ? !reply.startsWith("-") : reply === "+OK\r\n";
    if (!done || label === "keep") return;
    const k = latin1(key);
    if (label === undefined) this.labels().delete(k);
    else this.labels().set(k, label);
  }

  async expireCommand(key: Uint8Array): Promise<void> {
    const command = this.pick(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]);
    const flags = this.pick([
      [],
      [],
      ["NX"],
      ["XX"],
      ["GT"],
      ["LT"],
      ["xx", "gt"],
      ["XX", "LT"],
      ["NX", "GT"],
      ["GT", "LT"],
      ["bogus"],
    ]);
    const comparing = flags.some((f) => /^(gt|lt)$/i.test(f));
    let amount: string;
    let label: Label;
    let past: boolean;
    if (command === "EXPIRE" || command === "PEXPIRE") {
      const step = this.relativeStep(key, comparing);
      amount = String(command === "EXPIRE" ? step * 1000 : step * STEP_MS);
      label = { kind: "relative", step };
      past = step <= 0;
    } else {
      const step = Math.floor(this.rand() * 6) - 1;
      const at = this.absolute(step);
      amount = String(command === "EXPIREAT" ? Math.floor(at / 1000) : at);
      label = { kind: "absolute" };
      past = step <= 0;
    }
    if (this.rand() < 0.04) {
      amount = this.pick(["x", "", "9223372036854775807", "-9223372036854775808"]);
    }
    const reply = await this.same(command, key, amount, ...flags);
    if (reply !== ":1\r\n") return;
    const k = latin1(key);
    if (past || amount.startsWith("-")) this.labels().delete(k);
    else this.labels().set(k, label);
  }

  async copyCommand(key: Uint8Array): Promise<void> {
    const to = this.key();
    const args: (string | Uint8Array)[] = ["COPY", key, to];
    let targetDb = this.shadow.db;
    if (this.rand() < 0.4) {
      targetDb = this.pick([0, 1, 2, 3]);
      args.push("DB", String(targetDb));
    }
    if (this.rand() < 0.5) args.push("REPLACE");
    if (await this.same(...args) === ":1\r\n") {
      const label = this.labels().get(latin1(key));
      const target = this.labels(targetDb);
      if (label) target.set(latin1(to), label);
      else target.delete(latin1(to));
      // A copy is a new object: its encoding and sharing are worth a look.
      if (targetDb === this.shadow.db) {
        await this.same("OBJECT", "REFCOUNT", to);
        await this.same("OBJECT", "ENCODING", to);
      }
    }
  }

  async fullScan(): Promise<void> {
    const options = this.pick([[], ["COUNT", "1"], ["MATCH", "x:*"], ["TYPE", "string"]]);
    const collect = async (c: Pair["rift"]) => {
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await c.value("SCAN", cursor, ...options) as [string, string[]];
        keys.push(...batch);
        cursor = next;
      } while (cursor !== "0");
      return [...new Set(keys)].sort();
    };
    this.counts.set("SCAN", (this.counts.get("SCAN") ?? 0) + 1);
    assertEquals(await collect(this.p.rift), await collect(this.p.redis), `SCAN ${options}`);
  }

  async errorCase(key: Uint8Array): Promise<void> {
    const cases: (string | Uint8Array)[][] = [
      ["RENAME", bytes("no-such-key"), key],
      ["COPY", key, key],
      ["COPY", key, "z", "DB", "99"],
      ["MOVE", key, String(this.shadow.db)],
      ["MOVE", key, "x"],
      ["EXPIRE", key],
      ["SCAN", "-x"],
      ["OBJECT", "FREQ", key],
      ["TTL", key, key],
    ];
    await this.same(...this.pick(cases));
  }
}

function moveLabel(
  from: Map<string, Label>,
  fromKey: string,
  to: Map<string, Label>,
  toKey: string,
): void {
  const label = from.get(fromKey);
  from.delete(fromKey);
  if (label) to.set(toKey, label);
  else to.delete(toKey);
}

function describe(args: (string | Uint8Array)[]): string {
  return args.map((a) => JSON.stringify(typeof a === "string" ? a : latin1(a).slice(0, 40)))
    .join(" ");
}

Deno.test("keys differential: seeded random key-command sequences match redis-server", async () => {
  await withPair(async (p) => {
    // The grid's origin is in the past so that step 0 is always expired.
    const base = Date.now() - 10_000;
    let steps = 0;
    const counts = new Map<string, number>();
    for (const seed of [11, 22, 33, 44, 55, 66]) {
      await p.same("SELECT", "0");
      await p.same("FLUSHALL");
      // The last sequences speak RESP3 (nil, maps and sets have their own types there).
      await p.both("HELLO", seed >= 55 ? "3" : "2");
      const fuzzer = new Fuzzer(p, rng(seed), base);
      for (let i = 0; i < 3000; i++) {
        await fuzzer.step();
        steps++;
      }
      for (const [name, n] of fuzzer.counts) counts.set(name, (counts.get(name) ?? 0) + n);
      // The final state must agree too, in every database.
      for (let db = 0; db < DATABASES; db++) {
        await p.same("SELECT", String(db));
        await p.same("DBSIZE");
        const [x, y] = await Promise.all([p.rift.value("KEYS", "*"), p.redis.value("KEYS", "*")]);
        assertEquals(sortedValue(x), sortedValue(y), `final keys of db${db}`);
      }
    }
    assertEquals(steps, 18_000);

    // Every command family was exercised a meaningful number of times.
    for (
      const name of [
        "SET",
        "EXPIRE",
        "PEXPIREAT",
        "RENAME",
        "COPY",
        "MOVE",
        "KEYS",
        "SCAN",
        "OBJECT",
        "TTL",
        "PERSIST",
        "DEL",
      ]
    ) {
      assertTrue((counts.get(name) ?? 0) >= 150, `${name} ran ${counts.get(name) ?? 0} times`);
    }
  });
});
