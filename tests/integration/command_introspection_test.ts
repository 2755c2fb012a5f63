/**
 * `COMMAND`, `COMMAND INFO/DOCS/LIST/COUNT/GETKEYS/GETKEYSANDFLAGS`
 * against redis-server 7.0, byte for byte in RESP2 and RESP3.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { Arg, RespClient } from "../helpers/client.ts";
import { describe, type Pair, withPair } from "../helpers/differential.ts";
import { type Span, spanAt, spanText } from "../helpers/resp_spans.ts";
import { Prng } from "../helpers/strings_random.ts";
import { withRift } from "../helpers/server.ts";
import { ALL_COMMANDS } from "../../src/commands/mod.ts";
import type { CommandArg, CommandSpec } from "../../src/commands/spec.ts";
import { hasKeys, parseKeySpec } from "../../src/commands/key_specs.ts";
import {
  asRedisKeySpec,
  keySpecNotation,
  type RedisArg,
  type RedisKeySpec,
  roundTrips,
} from "../../scripts/spec_notation.ts";

/** Rift commands that Redis 7.0 does not have (they come from Redis 7.2). */
const RIFT_ONLY = ["client|no-touch", "client|setinfo"];

/**
 * Commands whose introspection differs from Redis 7.0 on purpose: ZRANK and
 * ZREVRANK take Redis 7.2's `WITHSCORE` (arity -3, one more argument, a
 * history entry). Checked below to differ in exactly that.
 */
const WITH_REDIS_7_2_ARGUMENTS = ["zrank", "zrevrank"];

/** Redis 7.0 subcommands Rift does not implement (so CLIENT lists fewer subcommands). */
const NOT_IMPLEMENTED_SUBCOMMANDS = [
  "client|caching",
  "client|getredir",
  "client|tracking",
  "client|trackinginfo",
];

/** Every command and subcommand Rift declares, by full name. */
function riftCommands(): Map<string, CommandSpec> {
  const out = new Map<string, CommandSpec>();
  for (const spec of ALL_COMMANDS) {
    out.set(spec.name, spec);
    for (const sub of spec.subcommands ?? []) out.set(`${spec.name}|${sub.name}`, sub);
  }
  return out;
}

/** Both servers' connections in one protocol. */
interface Conns {
  rift: RespClient;
  redis: RespClient;
  proto: 2 | 3;
}

async function connections(p: Pair): Promise<Conns[]> {
  const rift3 = await p.open("rift");
  const redis3 = await p.open("redis");
  await rift3.raw("HELLO", "3");
  await redis3.raw("HELLO", "3");
  return [{ rift: p.rift, redis: p.redis, proto: 2 }, { rift: rift3, redis: redis3, proto: 3 }];
}

async function both(c: Conns, args: Arg[]): Promise<[string, string]> {
  return await Promise.all([c.rift.raw(...args), c.redis.raw(...args)]);
}

/** The name of an INFO entry or DOCS pair key. */
function bulkText(raw: string, span: Span): string {
  return raw.slice(span.bodyStart, span.end - 2);
}

/**
 * Compares the subcommands of a container reply: Redis lists them in
 * hash-table order (it changes from one process to the next), so each
 * subcommand's bytes are compared as a set, leaving out the subcommands
 * only one side has by design.
 */
function assertSameSubcommands(
  rift: { raw: string; items: [name: string, text: string][] },
  redis: { raw: string; items: [name: string, text: string][] },
  what: string,
): number {
  const keep = (items: [string, string][]) =>
    items.filter(([name]) =>
      !RIFT_ONLY.includes(name) && !NOT_IMPLEMENTED_SUBCOMMANDS.includes(name)
    ).map(([, text]) => text).sort();
  const a = keep(rift.items);
  assertEquals(a, keep(redis.items), `${what}: subcommands`);
  return a.length;
}

/** Compares an INFO reply of a container: everything but the order of its subcommands. */
function assertSameInfoContainer(rift: string, redis: string, what: string): number {
  const entries = [rift, redis].map((raw) => {
    const entry = spanAt(raw).children![0];
    const subs = entry.children![9];
    return {
      raw,
      prefix: raw.slice(0, subs.start),
      items: subs.children!.map((s): [string, string] => [
        bulkText(raw, s.children![0]),
        spanText(raw, s),
      ]),
    };
  });
  assertEquals(entries[0].prefix, entries[1].prefix, `${what}: entry`);
  return assertSameSubcommands(entries[0], entries[1], what);
}

/** Compares a DOCS reply of a container: everything but the order of its subcommands. */
function assertSameDocsContainer(rift: string, redis: string, what: string): number {
  const entries = [rift, redis].map((raw) => {
    const fields = spanAt(raw).children![1].children!;
    const subs = fields[fields.length - 1];
    assertEquals(bulkText(raw, fields[fields.length - 2]), "subcommands");
    const pairs = subs.children!;
    const items: [string, string][] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      items.push([
        bulkText(raw, pairs[i]),
        spanText(raw, pairs[i]) + spanText(raw, pairs[i + 1]),
      ]);
    }
    return { raw, prefix: raw.slice(0, subs.start), items };
  });
  assertEquals(entries[0].prefix, entries[1].prefix, `${what}: entry`);
  return assertSameSubcommands(entries[0], entries[1], what);
}

Deno.test("COMMAND INFO and COMMAND DOCS are byte-identical to Redis 7.0 for every command Rift shares with it", async () => {
  await withPair(async (p) => {
    const specs = riftCommands();
    const redisNames = new Set((await p.redis.value("COMMAND", "LIST")) as string[]);
    const riftNames = ((await p.rift.value("COMMAND", "LIST")) as string[]).sort();
    assertEquals(riftNames, [...specs.keys()].sort(), "COMMAND LIST names every declared command");
    assertEquals(riftNames.filter((n) => !redisNames.has(n)), RIFT_ONLY);
    let compared = 0;
    let containerSubcommands = 0;
    for (const c of await connections(p)) {
      for (const name of riftNames) {
        if (!redisNames.has(name)) continue;
        const what = `${name} (RESP${c.proto})`;
        const [info, redisInfo] = await both(c, ["COMMAND", "INFO", name]);
        const [docs, redisDocs] = await both(c, ["COMMAND", "DOCS", name]);
        if (WITH_REDIS_7_2_ARGUMENTS.includes(name)) {
          assertEquals(
            info.replace(":-3\r\n", ":3\r\n"),
            redisInfo,
            `${what}: only the arity differs`,
          );
          assertTrue(docs.includes("WITHSCORE") && docs !== redisDocs, what);
        } else if (specs.get(name)!.subcommands) {
          containerSubcommands += assertSameInfoContainer(info, redisInfo, `${what} INFO`);
          containerSubcommands += assertSameDocsContainer(docs, redisDocs, `${what} DOCS`);
        } else {
          assertEquals(info, redisInfo, `${what} INFO`);
          assertEquals(docs, redisDocs, `${what} DOCS`);
        }
        compared++;
      }
    }
    // Every declared command was compared, in both protocols.
    assertEquals(compared, 2 * (specs.size - RIFT_ONLY.length));
    assertTrue(compared >= 2 * 235, `compared ${compared}`);
    assertTrue(containerSubcommands > 2 * 2 * 40, `container subcommands ${containerSubcommands}`);
  });
});

Deno.test("COMMAND INFO/DOCS: several names, unknown names, subcommand names, case", async () => {
  await withPair(async (p) => {
    for (const c of await connections(p)) {
      for (
        const args of [
          ["COMMAND", "INFO", "get", "nosuch", "SET", "Get"],
          ["COMMAND", "INFO", "nosuch"],
          ["COMMAND", "INFO", "config|get", "CONFIG|SET", "config|nosuch", "get|x", "config|get|x"],
          ["COMMAND", "INFO", ""],
          ["COMMAND", "DOCS", "get", "nosuch", "SET", "config|get", "get|x"],
          ["COMMAND", "DOCS", "nosuch"],
          ["COMMAND", "DOCS", ""],
          ["COMMAND", "COUNT", "x"],
          ["COMMAND", "HELP"],
          ["command", "help", "x"],
          ["COMMAND", "INFO", "get", "get"],
          ["COMMAND", "DOCS", "get", "get"],
          ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"],
          ["COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "b"],
          ["COMMAND", "NOSUCH"],
          ["COMMAND", "LIST", "FILTERBY"],
          ["COMMAND", "LIST", "FILTERBY", "NOPE", "x"],
          ["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
          ["COMMAND", "LIST", "extra"],
          ["COMMAND", "GETKEYS"],
          ["COMMAND", "GETKEYS", "get"],
          ["COMMAND", "GETKEYSANDFLAGS"],
        ]
      ) {
        const [x, y] = await both(c, args);
        assertEquals(x, y, `RESP${c.proto}: ${describe(args)}`);
      }
    }
  });
});

Deno.test("COMMAND, COMMAND INFO, COMMAND DOCS, COUNT and LIST agree with each other", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    for (const proto of [2, 3]) {
      await c.raw("HELLO", String(proto));
      const count = (await c.value("COMMAND", "COUNT")) as number;
      const names = ALL_COMMANDS.map((s) => s.name).sort();
      assertEquals(count, names.length);
      const all = await c.raw("COMMAND");
      assertEquals(await c.raw("COMMAND", "INFO"), all);
      const top = spanAt(all);
      assertEquals(top.children!.length, count);
      // Each entry is the command's own COMMAND INFO entry.
      for (let i = 0; i < count; i++) {
        const one = await c.raw("COMMAND", "INFO", names[i]);
        const entry = spanAt(one).children![0];
        assertEquals(spanText(all, top.children![i]), spanText(one, entry), names[i]);
      }
      const docs = await c.raw("COMMAND", "DOCS");
      const docPairs = spanAt(docs).children!;
      assertEquals(docPairs.length, 2 * count);
      for (let i = 0; i < count; i++) {
        const one = await c.raw("COMMAND", "DOCS", names[i]);
        assertEquals(
          spanText(docs, docPairs[2 * i]) + spanText(docs, docPairs[2 * i + 1]),
          one.slice(spanAt(one).bodyStart),
          names[i],
        );
      }
      const list = (await c.value("COMMAND", "LIST")) as string[];
      const subcommands = ALL_COMMANDS.reduce((n, s) => n + (s.subcommands?.length ?? 0), 0);
      assertEquals(list.length, count + subcommands);
      assertEquals(new Set(list).size, list.length);
      // Cached replies stay right after a protocol switch and repeat calls.
      assertEquals(await c.raw("COMMAND"), all);
    }
  });
});

Deno.test("COMMAND LIST FILTERBY PATTERN and ACLCAT pick the same commands as Redis 7.0", async () => {
  await withPair(async (p) => {
    const rift = new Set((await p.rift.value("COMMAND", "LIST")) as string[]);
    const filters = [
      ["PATTERN", "*"],
      ["PATTERN", "z*"],
      ["PATTERN", "*store"],
      ["PATTERN", "client|*"],
      ["PATTERN", "CONFIG|[gs]et"],
      ["PATTERN", "nosuch*"],
      ["ACLCAT", "keyspace"],
      ["ACLCAT", "read"],
      ["ACLCAT", "WRITE"],
      ["ACLCAT", "fast"],
      ["ACLCAT", "slow"],
      ["ACLCAT", "dangerous"],
      ["ACLCAT", "connection"],
      ["ACLCAT", "pubsub"],
      ["ACLCAT", "blocking"],
      ["ACLCAT", "sortedset"],
      ["ACLCAT", "admin"],
      ["ACLCAT", "nosuchcategory"],
    ];
    let matched = 0;
    for (const [kind, value] of filters) {
      const mine = ((await p.rift.value("COMMAND", "LIST", "FILTERBY", kind, value)) as string[])
        .filter((n) => !RIFT_ONLY.includes(n)).sort();
      const theirs = ((await p.redis.value("COMMAND", "LIST", "FILTERBY", kind, value)) as string[])
        .filter((n) => rift.has(n)).sort();
      assertEquals(mine, theirs, `${kind} ${value}`);
      matched += mine.length;
    }
    assertTrue(matched > 800, `matched ${matched}`);
  });
});

/** Turns a RESP3 reply value into plain data: maps become objects. */
function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  return Array.isArray(v) ? v.map(plain) : v;
}

Deno.test("the spec notations can state the arguments and key specs of every Redis 7.0 command", async () => {
  await withPair(async (p) => {
    await p.redis.raw("HELLO", "3");
    const docs = plain(await p.redis.value("COMMAND", "DOCS")) as Record<string, DocsEntry>;
    const info = plain(await p.redis.value("COMMAND", "INFO")) as InfoEntry[];
    type DocsEntry = { arguments?: RedisArg[]; subcommands?: Record<string, DocsEntry> };
    type InfoEntry = [string, ...unknown[]];
    const keySpecs = new Map<string, RedisKeySpec[]>();
    const addInfo = (e: InfoEntry) => {
      keySpecs.set(e[0], e[8] as RedisKeySpec[]);
      for (const sub of e[9] as InfoEntry[]) addInfo(sub);
    };
    info.forEach(addInfo);
    let commands = 0;
    let specs = 0;
    const check = (name: string, entry: DocsEntry) => {
      const ks = keySpecs.get(name)!;
      for (const spec of ks) {
        const notation = keySpecNotation(spec);
        const back = asRedisKeySpec({ ...parseKeySpec(notation), notes: spec.notes });
        assertEquals(back, spec, `${name}: ${notation}`);
        specs++;
      }
      const failed = roundTrips(entry.arguments ?? [], ks.length);
      assertEquals(failed, null, `${name}: ${failed}`);
      commands++;
      for (const [sub, subEntry] of Object.entries(entry.subcommands ?? {})) check(sub, subEntry);
    };
    for (const [name, entry] of Object.entries(docs)) check(name, entry);
    assertEquals(commands, keySpecs.size);
    assertTrue(commands >= 360 && specs >= 210, `${commands} commands, ${specs} key specs`);
  });
});

// ------------------------------------------------------------ GETKEYS

/** Example values by argument type. */
function valueFor(rng: Prng, arg: CommandArg): string {
  switch (arg.type) {
    case "key":
      return rng.pick(["k1", "k2", "key:3", "b\x00in", "GET", "STORE", "0"]);
    case "integer":
      return rng.pick(["0", "1", "2", "-1", "10"]);
    case "double":
      return rng.pick(["0", "1.5", "-inf"]);
    case "unix-time":
      return "1700000000";
    case "pattern":
      return rng.pick(["p*", "*"]);
    default:
      return rng.pick(["v", "1", "get", "x y"]);
  }
}

/** Writes one argument (maybe omitted when optional, maybe repeated when multiple). */
function emitArg(rng: Prng, arg: CommandArg, out: string[]): void {
  if (arg.optional && rng.chance(0.5)) return;
  const times = arg.multiple ? rng.range(1, 3) : 1;
  for (let i = 0; i < times; i++) {
    if (arg.token !== undefined && (i === 0 || arg.multipleToken)) {
      out.push(rng.chance(0.2) ? arg.token.toLowerCase() : arg.token);
    }
    if (arg.type === "oneof") emitArg(rng, rng.pick(arg.arguments!), out);
    else if (arg.type === "block") emitArgs(rng, arg.arguments!, out);
    else if (arg.type !== "pure-token") out.push(valueFor(rng, arg));
  }
}

/** Key counts, usually right, sometimes wrong in the ways Redis parses leniently or not. */
const ODD_COUNTS = ["0", "-1", "x", "2x", " 1", "+1", "01", "99", "4294967297", "1\x002"];

function emitArgs(rng: Prng, args: readonly CommandArg[], out: string[]): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    if (arg.name === "numkeys" && next?.type === "key" && next.multiple) {
      const keys = rng.range(1, 3);
      out.push(rng.chance(0.7) ? String(keys) : rng.pick(ODD_COUNTS));
      for (let k = 0; k < keys; k++) out.push(valueFor(rng, next));
      i++;
      continue;
    }
    emitArg(rng, arg, out);
  }
}

/**
 * A call of the command built from its documented arguments, sometimes cut
 * short or extended; for ZRANK and ZREVRANK only calls that Redis 7.0's
 * arity (3) admits, as Rift's differs on purpose.
 */
function randomCall(rng: Prng, name: string[], spec: CommandSpec): string[] {
  for (;;) {
    const out = [...name];
    emitArgs(rng, spec.args, out);
    if (rng.chance(0.1) && out.length > name.length) out.pop();
    if (rng.chance(0.1)) out.push(rng.pick(["GET", "STORE", "k9", "1"]));
    if (!WITH_REDIS_7_2_ARGUMENTS.includes(name.join("|")) || out.length <= 3) return out;
  }
}

Deno.test("COMMAND GETKEYS and GETKEYSANDFLAGS match Redis 7.0 on generated calls of every command with keys", async () => {
  await withPair(async (p) => {
    const rng = new Prng(7);
    const conns = await connections(p);
    let calls = 0;
    let withKeys = 0;
    const keyed: string[] = [];
    for (const spec of ALL_COMMANDS) {
      const targets: [string[], CommandSpec][] = spec.subcommands
        ? spec.subcommands.map((sub): [string[], CommandSpec] => [[spec.name, sub.name], sub])
        : [[[spec.name], spec]];
      for (const [name, target] of targets) {
        if (RIFT_ONLY.includes(name.join("|")) || !hasKeys(target)) continue;
        keyed.push(name.join("|"));
        for (let i = 0; i < 24; i++) {
          const call = randomCall(rng, name, target);
          for (const c of conns) {
            for (const sub of ["GETKEYS", "GETKEYSANDFLAGS"]) {
              const [x, y] = await both(c, ["COMMAND", sub, ...call]);
              assertEquals(x, y, `RESP${c.proto} ${sub} ${describe(call)}`);
              calls++;
              if (!x.startsWith("-")) withKeys++;
            }
          }
        }
      }
    }
    assertTrue(keyed.length >= 140, `${keyed.length} commands with keys`);
    assertEquals(calls, keyed.length * 24 * 4);
    assertTrue(withKeys > calls / 2, `${withKeys} of ${calls} calls found keys`);
  });
});

Deno.test("COMMAND GETKEYS: movable keys, key counts read leniently, flags that depend on the call", async () => {
  await withPair(async (p) => {
    const cases: string[][] = [];
    for (const count of ["2", "2x", " 2", "+2", "02", "0", "-1", "3", "1", "x", "4294967297", ""]) {
      cases.push(["ZUNIONSTORE", "d", count, "a", "b"]);
      cases.push(["ZINTERSTORE", "d", count, "a", "b", "WEIGHTS", "1", "2"]);
      cases.push(["ZDIFFSTORE", "d", count, "a", "b"]);
      cases.push(["ZUNION", count, "a", "b", "WITHSCORES"]);
      cases.push(["ZINTER", count, "a", "b"]);
      cases.push(["ZDIFF", count, "a", "b"]);
      cases.push(["ZINTERCARD", count, "a", "b", "LIMIT", "1"]);
      cases.push(["SINTERCARD", count, "a", "b"]);
      cases.push(["LMPOP", count, "a", "b", "LEFT", "COUNT", "2"]);
      cases.push(["BLMPOP", "0", count, "a", "b", "RIGHT"]);
      cases.push(["ZMPOP", count, "a", "b", "MIN"]);
      cases.push(["BZMPOP", "1.5", count, "a", "b", "MAX", "COUNT", "1"]);
    }
    cases.push(
      ["SET", "k", "v"],
      ["SET", "k", "v", "GET"],
      ["SET", "k", "v", "get", "EX", "1"],
      ["SET", "k", "get"],
      ["SET", "k", "v", "NX", "GETX"],
      ["SET", "k", "v", "get\x00tail"],
      ["SET", "get", "get"],
      ["BITFIELD", "k"],
      ["BITFIELD", "k", "GET", "u8", "0"],
      ["BITFIELD", "k", "get", "u8", "0", "OVERFLOW", "SAT", "get", "i4", "1"],
      ["BITFIELD", "k", "GET", "u8"],
      ["BITFIELD", "k", "OVERFLOW"],
      ["BITFIELD", "k", "SET", "u8", "0", "1"],
      ["BITFIELD", "k", "incrby", "u8", "0", "1"],
      ["BITFIELD", "k", "GET", "u8", "0", "nosuch"],
      ["BITFIELD_RO", "k", "GET", "u8", "0"],
      ["SORT", "k"],
      ["SORT", "k", "STORE", "d"],
      ["SORT", "k", "BY", "w_*", "GET", "#", "STORE", "d", "LIMIT", "0", "1"],
      ["sort", "k", "store", "a", "ALPHA", "store", "b"],
      ["SORT", "k", "STORE"],
      ["SORT", "k", "LIMIT", "STORE", "d", "STORE", "e"],
      ["SORT", "k", "GET", "STORE", "d"],
      ["SORT", "k", "BY", "STORE", "STORE", "d"],
      ["SORT", "k", "STORE\x00x", "d"],
      ["SORT_RO", "k", "BY", "w_*", "GET", "#", "STORE", "d"],
      ["MSET", "a", "1", "b", "2"],
      ["MSETNX", "a", "1", "b", "2", "c", "3"],
      ["BLPOP", "a", "b", "c", "0"],
      ["BRPOPLPUSH", "a", "b", "0"],
      ["LMOVE", "a", "b", "LEFT", "RIGHT"],
      ["SMOVE", "a", "b", "m"],
      ["RENAME", "a", "b"],
      ["COPY", "a", "b", "DB", "1", "REPLACE"],
      ["OBJECT", "ENCODING", "k"],
      ["object", "freq", "k"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "5"],
      ["DEL", "a", "b", "a"],
      ["WATCH", "a", "b"],
      ["GET", "k", "extra"],
      ["GET"],
      ["OBJECT"],
      ["OBJECT", "nosuch", "k"],
      ["CONFIG"],
      ["CONFIG", "GET", "x"],
      ["PING"],
      ["nosuch", "k"],
      ["PUBLISH", "ch", "m"],
      ["SUBSCRIBE", "ch"],
    );
    const conns = await connections(p);
    for (const call of cases) {
      for (const c of conns) {
        for (const sub of ["GETKEYS", "GETKEYSANDFLAGS"]) {
          const [x, y] = await both(c, ["COMMAND", sub, ...call]);
          assertEquals(x, y, `RESP${c.proto} ${sub} ${describe(call)}`);
        }
      }
    }
    assertEquals(cases.length, 12 * 12 + 49);
  });
});

Deno.test("COMMAND GETKEYS says so for every command without keys", async () => {
  await withPair(async (p) => {
    let checked = 0;
    for (const spec of ALL_COMMANDS) {
      const targets: [string[], CommandSpec][] = spec.subcommands
        ? spec.subcommands.map((sub): [string[], CommandSpec] => [[spec.name, sub.name], sub])
        : [[[spec.name], spec]];
      for (const [name, target] of targets) {
        if (RIFT_ONLY.includes(name.join("|")) || hasKeys(target)) continue;
        const argc = Math.max(2, Math.abs(target.arity));
        const call = [...name, ...Array(Math.max(0, argc - name.length)).fill("x")];
        assertEquals(
          await p.same("COMMAND", "GETKEYS", ...call),
          "-ERR The command has no key arguments\r\n",
          call.join(" "),
        );
        checked++;
      }
    }
    assertTrue(checked >= 80, `checked ${checked}`);
  });
});
