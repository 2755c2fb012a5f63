/**
 * Starting servers for tests: an embedded Rift on a free port, a real
 * `redis-server` (when installed) for differential tests, and Rift as a
 * separate process for restart, signal and crash tests.
 *
 * @module
 */

import { type RiftHandle, type StartOptions, startServer } from "../../src/mod.ts";
import { ReplyError, RespClient } from "./client.ts";
import { infoField, waitFor } from "./persistence.ts";

/** An embedded Rift plus a helper to open clients to it. */
export interface TestRift extends RiftHandle {
  /** Opens a raw RESP client; closed automatically by {@link withRift}. */
  client(): Promise<RespClient>;
}

/**
 * Starts an embedded Rift for a test. `RIFT_TEST_IO_BACKEND` in the
 * environment picks its socket backend (`deno task test` runs the wire
 * suite once on Deno's ops, an embedded server's default, and once more on
 * the epoll loop, the `rift` process's default on Linux).
 */
export async function startRift(
  options: StartOptions = {},
): Promise<TestRift & { stop(): Promise<void> }> {
  const backend = Deno.env.get("RIFT_TEST_IO_BACKEND");
  const config = backend ? { "io-backend": backend, ...options.config } : options.config;
  const handle = await startServer({ captureLogs: true, ...options, config });
  const clients: RespClient[] = [];
  return {
    ...handle,
    async client() {
      const c = await RespClient.connect(handle.port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) await c.close();
      await handle.close();
    },
  };
}

/** Runs `fn` against a fresh embedded Rift and always shuts it down. */
export async function withRift(
  fn: (rift: TestRift) => Promise<void> | void,
  options: StartOptions = {},
): Promise<void> {
  const rift = await startRift(options);
  try {
    await fn(rift);
  } finally {
    await rift.stop();
  }
}

/** True when Debian's redis-server is installed (differential tests need it). */
export const HAS_REDIS: boolean = (() => {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** Finds a free TCP port on loopback. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Waits until something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`Nothing listening on port ${port}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** A running redis-server child process. */
export interface RedisProcess {
  port: number;
  client(): Promise<RespClient>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's redis-server in memory on a free port (extra args are
 * directives). The port is free when picked but may be taken before
 * redis-server binds it (tests run in parallel): then it is retried on
 * another, so a test never talks to someone else's server.
 */
export async function startRedis(extraArgs: string[] = [], dir?: string): Promise<RedisProcess> {
  for (let attempt = 1;; attempt++) {
    const redis = await startRedisOnce(extraArgs, dir);
    if (redis !== null) return redis;
    if (attempt === 5) throw new Error("redis-server could not get a port");
  }
}

async function startRedisOnce(extraArgs: string[], dir?: string): Promise<RedisProcess | null> {
  const port = freePort();
  const workDir = dir ?? await Deno.makeTempDir({ prefix: "redis-test-" });
  const child = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      workDir,
      ...extraArgs,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForPort(port);
  // Whoever answers must be the process just started (with requirepass,
  // INFO is refused: then it must at least still be running).
  const probe = await RespClient.connect(port);
  const info = await probe.value("INFO", "server").catch(() => "");
  const ours = info instanceof ReplyError
    ? await Promise.race([
      child.status.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), 100)),
    ])
    : new RegExp(`^process_id:${child.pid}\\r$`, "m").test(String(info));
  // Redis accepts connections while it loads its RDB or AOF and answers
  // -LOADING to data commands until it is done.
  if (ours && !(info instanceof ReplyError)) {
    await waitFor(async () => await infoField(probe, "loading") === "0", "redis-server to load");
  }
  await probe.close();
  if (!ours) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone (it could not bind).
    }
    await child.status;
    if (!dir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
    return null;
  }
  const clients: RespClient[] = [];
  return {
    port,
    async client() {
      const c = await RespClient.connect(port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) await c.close();
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
      if (!dir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
    },
  };
}
