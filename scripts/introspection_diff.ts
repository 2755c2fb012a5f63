/**
 * Dev tool: compares Rift's `COMMAND INFO` and `COMMAND DOCS` with a local
 * redis-server, command by command, and prints each difference as a path
 * into the reply (`set docs .arguments[2].name: rift "nx-xx" redis "condition"`).
 *
 * Usage: `deno run -A scripts/introspection_diff.ts [name ...]` (default: every
 * command Rift implements that redis-server also has). `--raw` also compares
 * the exact RESP2 and RESP3 bytes (of containers too, so their subcommand order shows).
 *
 * `deno run -A scripts/introspection_diff.ts --suggest <name> ...` prints instead
 * what redis-server reports about those commands as the fields of a Rift
 * declaration (key specs and annotated syntax in Rift's notations): the
 * starting point for a new command's spec.
 *
 * @module
 */

import { startServer } from "../src/mod.ts";
import { RespClient, type Value } from "../tests/helpers/client.ts";
import { startRedis } from "../tests/helpers/server.ts";
import { declarationOf, type RedisDocs } from "./spec_notation.ts";

/** Turns a reply value into plain JSON-able data (maps become objects, keys kept in order). */
function plain(v: Value): unknown {
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = plain(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Error) return `ERROR ${v.message}`;
  return v;
}

const INFO_FIELDS = [
  "name",
  "arity",
  "flags",
  "first",
  "last",
  "step",
  "acl",
  "tips",
  "key_specs",
  "subcommands",
];

/**
 * Splits one `COMMAND INFO` or `COMMAND DOCS` reply into the entry without
 * its subcommands (INFO fields named, so differences read well) and the
 * sorted subcommand names: Redis lists subcommands in hash-table order,
 * which changes from one process to the next, and each subcommand is
 * compared on its own.
 */
function withoutSubcommands(
  what: string,
  reply: unknown,
): { entry: unknown; subcommands: string[] } {
  if (what === "INFO") {
    const v = (reply as unknown[][])[0];
    const entry: Record<string, unknown> = {};
    INFO_FIELDS.forEach((f, i) => entry[f] = v[i]);
    const subs = (entry.subcommands as unknown[][]).map((s) => String(s[0])).sort();
    delete entry.subcommands;
    return { entry, subcommands: subs };
  }
  const docs = reply as Record<string, Record<string, unknown>>;
  const [name] = Object.keys(docs);
  const entry = { ...docs[name] };
  const subs = Object.keys((entry.subcommands ?? {}) as object).sort();
  delete entry.subcommands;
  return { entry, subcommands: subs };
}

/** Lists the differences between two plain values as `path: rift ... redis ...` lines. */
export function differences(a: unknown, b: unknown, path = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x: unknown) => x !== null && typeof x === "object" && !Array.isArray(x);
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) out.push(...differences(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    const out: string[] = [];
    for (const k of new Set([...kb, ...ka])) {
      out.push(
        ...differences(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          `${path}.${k}`,
        ),
      );
    }
    if (out.length === 0) out.push(`${path}: key order rift ${ka.join(",")} redis ${kb.join(",")}`);
    return out;
  }
  return [`${path}: rift ${JSON.stringify(a)} redis ${JSON.stringify(b)}`];
}

async function names(c: RespClient): Promise<string[]> {
  return (await c.value("COMMAND", "LIST")) as string[];
}

async function suggest(names: string[]): Promise<void> {
  const redis = await startRedis();
  const c = await redis.client();
  try {
    await c.call("HELLO", "3");
    for (const name of names) {
      const [info] = plain(await c.value("COMMAND", "INFO", name)) as (unknown[] | null)[];
      const docs = plain(await c.value("COMMAND", "DOCS", name)) as Record<string, RedisDocs>;
      if (info === null) {
        console.log(`// ${name}: redis-server has no such command`);
        continue;
      }
      console.log(`// ${name}\n${declarationOf(info, docs[name])}\n`);
    }
  } finally {
    await redis.stop();
  }
}

if (import.meta.main && Deno.args.includes("--suggest")) {
  await suggest(Deno.args.filter((a) => !a.startsWith("--")).map((a) => a.toLowerCase()));
} else if (import.meta.main) {
  const raw = Deno.args.includes("--raw");
  const wanted = Deno.args.filter((a) => !a.startsWith("--")).map((a) => a.toLowerCase());
  const rift = await startServer({ port: 0, captureLogs: true });
  const redis = await startRedis();
  const a = await RespClient.connect(rift.port);
  const b = await redis.client();
  const a3 = await RespClient.connect(rift.port);
  const b3 = await redis.client();
  await a3.call("HELLO", "3");
  await b3.call("HELLO", "3");
  try {
    const redisNames = new Set(await names(b));
    const riftNames = (await names(a)).sort();
    const targets = wanted.length ? wanted : riftNames.filter((n) => redisNames.has(n));
    let same = 0;
    const notes: string[] = [];
    for (const name of targets) {
      const lines: string[] = [];
      for (const what of ["INFO", "DOCS"]) {
        const x = withoutSubcommands(what, plain(await a3.value("COMMAND", what, name)));
        const y = withoutSubcommands(what, plain(await b3.value("COMMAND", what, name)));
        for (const d of differences(x.entry, y.entry)) lines.push(`${what.toLowerCase()} ${d}`);
        if (what === "INFO" && x.subcommands.join() !== y.subcommands.join()) {
          const missing = y.subcommands.filter((n) => !x.subcommands.includes(n));
          const extra = x.subcommands.filter((n) => !y.subcommands.includes(n));
          notes.push(
            `${name}: subcommands not in Rift: ${missing.join(" ") || "-"}; only in Rift: ${
              extra.join(" ") || "-"
            }`,
          );
        }
        if (raw) {
          for (const [p, q, proto] of [[a, b, "resp2"], [a3, b3, "resp3"]] as const) {
            if (await p.raw("COMMAND", what, name) !== await q.raw("COMMAND", what, name)) {
              lines.push(`${what.toLowerCase()} ${proto} bytes differ`);
            }
          }
        }
      }
      if (lines.length === 0) same++;
      else for (const l of lines) console.log(`${name} ${l}`);
    }
    for (const n of notes) console.log(n);
    console.log(
      `${same} of ${targets.length} commands identical (containers: apart from subcommands)`,
    );
    const onlyRift = riftNames.filter((n) => !redisNames.has(n));
    if (!wanted.length && onlyRift.length) console.log(`only in Rift: ${onlyRift.join(" ")}`);
  } finally {
    for (const c of [a, a3, b3]) await c.close();
    await redis.stop();
    await rift.close();
  }
}
