/**
 * Worst command latency while BGSAVE (or BGREWRITEAOF) writes a large
 * dataset without stopping the world (ADR 0003).
 *
 * Starts Rift as a separate process, fills it with DEBUG POPULATE plus some
 * hashes, sets and lists, then measures round trips of one client sending
 * GETs and SETs back to back (so the guard runs on keys the walk has not
 * reached) before and during a background save, and reports percentiles,
 * the worst pause, and how long the save took.
 *
 *   deno run -A bench/bgsave_latency.ts [--keys 1000000] [--aof] [--redis]
 *
 * `--redis` runs the same measurement against redis-server for comparison.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { RespClient } from "../tests/helpers/client.ts";
import { freePort, waitForPort } from "../tests/helpers/server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    keys: { type: "string", default: "1000000" },
    aof: { type: "boolean", default: false },
    redis: { type: "boolean", default: false },
  },
});
const KEYS = Number(values.keys);
const ROOT = new URL("../", import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function summary(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    `${label.padEnd(22)} n=${String(samples.length).padStart(7)}  p50=${
      percentile(sorted, 50).toFixed(3)
    }ms  p99=${percentile(sorted, 99).toFixed(3)}ms  p99.9=${
      percentile(sorted, 99.9).toFixed(3)
    }ms  max=${sorted[sorted.length - 1].toFixed(3)}ms`,
  );
}

async function info(c: RespClient, field: string): Promise<string> {
  const text = await c.value("INFO", "persistence") as string;
  return new RegExp(`^${field}:(.*)\\r$`, "m").exec(text)?.[1] ?? "";
}

/** Round trips of alternating GET/SET on random keys, each reported to `record` until it returns false. */
async function measure(c: RespClient, record: (ms: number) => boolean): Promise<void> {
  for (let n = 0;; n++) {
    const key = `key:${Math.floor(Math.random() * KEYS)}`;
    const start = performance.now();
    if (n % 2 === 0) await c.call("GET", key);
    else await c.call("SET", key, "changed-during-the-save");
    if (!record(performance.now() - start)) return;
  }
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "rift-bgsave-bench-" });
  const port = freePort();
  const args = [
    "--port",
    String(port),
    "--dir",
    dir,
    "--save",
    "",
    "--enable-debug-command",
    "yes",
  ];
  const child = values.redis
    ? new Deno.Command("redis-server", { args, stdout: "null", stderr: "null" }).spawn()
    : new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${ROOT}main.ts`, ...args, "--loglevel", "warning"],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
  try {
    await waitForPort(port, 30_000);
    const c = await RespClient.connect(port);
    const fill = performance.now();
    await c.call("DEBUG", "POPULATE", KEYS, "key", 32);
    for (let i = 0; i < KEYS / 100; i += 100) {
      for (let j = i; j < i + 100; j++) {
        await c.send("HSET", `hash:${j}`, "a", "1", "b", "two", "c", "x".repeat(30));
      }
      for (let j = i; j < i + 100; j++) await c.read();
    }
    console.log(
      `${values.redis ? "redis-server" : "Rift"}: ${await c.value("DBSIZE")} keys loaded in ${
        ((performance.now() - fill) / 1000).toFixed(1)
      }s`,
    );
    // The probe runs throughout: the command that starts the save (and its capture of
    // the keyspace) falls inside the measured window.
    const probe = await RespClient.connect(port);
    const job = values.aof ? "BGREWRITEAOF" : "BGSAVE";
    const field = values.aof ? "aof_rewrite_in_progress" : "rdb_bgsave_in_progress";
    let phase: "idle" | "during" | "done" = "idle";
    const samples = { idle: [] as number[], during: [] as number[] };
    const probing = measure(probe, (ms) => {
      if (phase !== "done") samples[phase].push(ms);
      return phase !== "done";
    });
    await new Promise((r) => setTimeout(r, 2000));
    phase = "during";
    const started = performance.now();
    console.log(`${job}: ${await c.raw(job)}`.trim());
    while (await info(c, field) === "1") await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    phase = "done";
    await probing;
    summary("idle", samples.idle);
    summary(`during ${job}`, samples.during);
    let size = 0;
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isFile) size += Deno.statSync(`${dir}/${entry.name}`).size;
    }
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) {
        for (const f of Deno.readDirSync(`${dir}/${entry.name}`)) {
          size += Deno.statSync(`${dir}/${entry.name}/${f.name}`).size;
        }
      }
    }
    console.log(
      `${job} took ${seconds.toFixed(2)}s, ${
        (size / 1024 / 1024).toFixed(1)
      } MiB on disk, status ${await info(
        c,
        values.aof ? "aof_last_bgrewrite_status" : "rdb_last_bgsave_status",
      )}`,
    );
    await probe.close();
    await c.close();
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
