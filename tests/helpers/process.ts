/**
 * Rift as a separate process, started with the real Deno binary (so signals
 * reach it; the npm `deno` wrapper does not forward SIGTERM).
 *
 * @module
 */

import { freePort, waitForPort } from "./server.ts";
import { RespClient } from "./client.ts";

/** Repository root (tests/helpers/ is two levels down). */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/**
 * A fresh empty directory for a child that is not given one: Rift loads
 * `dump.rdb` and the AOF from its working directory, so running in the
 * checkout would load whatever a manual run left there (a test then met
 * `-LOADING` at startup).
 */
function scratchDir(): string {
  return Deno.makeTempDirSync({ prefix: "rift-test-cwd-" });
}

/** Runs `main.ts` with arguments to completion and returns its output. */
export async function runCli(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = cwd ?? scratchDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${ROOT}main.ts`, ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    if (cwd === undefined) await Deno.remove(dir, { recursive: true });
  }
}

/** A Rift child process. */
export interface RiftProcess {
  port: number;
  child: Deno.ChildProcess;
  client(): Promise<RespClient>;
  /** Sends a signal and waits for exit; returns the exit code and output. */
  stop(signal?: Deno.Signal): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * Starts Rift as a process on a free port with extra flags; waits until it
 * accepts connections. `permissions` are Deno's flags for it (all by default).
 */
export async function spawnRift(
  args: string[] = [],
  cwd?: string,
  permissions: string[] = ["--allow-all"],
): Promise<RiftProcess> {
  const port = freePort();
  const dir = cwd ?? scratchDir();
  let scratch = cwd === undefined ? dir : null;
  const removeScratch = async () => {
    if (scratch === null) return;
    const gone = scratch;
    scratch = null;
    await Deno.remove(gone, { recursive: true });
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, `${ROOT}main.ts`, ...args, "--port", String(port)],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  try {
    await waitForPort(port, 20_000);
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch {
      // It already exited: its stderr says why.
    }
    await child.status;
    await removeScratch();
    throw new Error(`${(e as Error).message}; stderr: ${await stderr}`);
  }
  const clients: RespClient[] = [];
  return {
    port,
    child,
    async client() {
      const c = await RespClient.connect(port);
      clients.push(c);
      return c;
    },
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
      const status = await child.status;
      for (const c of clients) await c.close();
      await removeScratch();
      return { code: status.code, stdout: await stdout, stderr: await stderr };
    },
  };
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const dec = new TextDecoder();
  for await (const chunk of stream) text += dec.decode(chunk, { stream: true });
  return text;
}
