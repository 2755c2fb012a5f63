/**
 * Starting servers for tests: an embedded Rift on a free port, a real
 * `redis-server` (when installed) for differential tests, and Rift as a
 * separate process for restart, signal and crash tests.
 *
 * @module
 */

import { type RiftHandle, type StartOptions, startServer } from "../../src/mod.ts";
import { RespClient } from "./client.ts";

/** An embedded Rift plus a helper to open clients to it. */
export interface TestRift extends RiftHandle {
  /** Opens a raw RESP client; closed automatically by {@link withRift}. */
  client(): Promise<RespClient>;
}

/** Starts an embedded Rift for a test. */
export async function startRift(
  options: StartOptions = {},
): Promise<TestRift & { stop(): Promise<void> }> {
  const handle = await startServer({ captureLogs: true, ...options });
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
  fn: (rift: TestRift) => Promise<void>,
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

/** Starts Debian's redis-server in memory on a free port (extra args are directives). */
export async function startRedis(extraArgs: string[] = [], dir?: string): Promise<RedisProcess> {
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
