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

/** Runs `main.ts` with arguments to completion and returns its output. */
export async function runCli(
  args: string[],
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}main.ts`, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A Rift child process. */
export interface RiftProcess {
  port: number;
  child: Deno.ChildProcess;
  client(): Promise<RespClient>;
  /** Sends a signal and waits for exit; returns the exit code and output. */
  stop(signal?: Deno.Signal): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Starts Rift as a process on a free port with extra flags; waits until it accepts connections. */
export async function spawnRift(args: string[] = [], cwd = ROOT): Promise<RiftProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}main.ts`, ...args, "--port", String(port)],
    cwd,
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
