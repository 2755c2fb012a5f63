/**
 * systemd's readiness protocol (`sd_notify`): one datagram such as
 * `READY=1` sent to the unix socket named by `NOTIFY_SOCKET`.
 *
 * Deno 2 has unix datagram sockets only behind `--unstable-net`
 * (`Deno.listenDatagram({ transport: "unixpacket" })`); the release binary
 * is compiled with that flag (see scripts/build.ts). Under a plain
 * `deno run` the API is absent and {@link notifySystemd} reports why
 * instead of sending.
 *
 * @module
 */

/** The part of Deno's unstable datagram API used here. */
interface DatagramSocket {
  send(data: Uint8Array, addr: { transport: "unixpacket"; path: string }): Promise<number>;
  close(): void;
}

type ListenDatagram = (options: { transport: "unixpacket" }) => DatagramSocket;

/** Outcome of a notification: sent, or the reason it was not. */
export type NotifyResult = { sent: true } | { sent: false; reason: string };

/** The socket path systemd gave us, or null (no permission to read it counts as absent). */
export function notifySocketPath(): string | null {
  try {
    return Deno.env.get("NOTIFY_SOCKET") ?? null;
  } catch {
    return null;
  }
}

/**
 * Sends `state` (newline-separated `KEY=value` lines, e.g.
 * `READY=1\nSTATUS=Ready`) to systemd. Never throws.
 */
export async function notifySystemd(state: string): Promise<NotifyResult> {
  const path = notifySocketPath();
  if (path === null || path === "") {
    return { sent: false, reason: "NOTIFY_SOCKET not found!" };
  }
  const listenDatagram = (Deno as unknown as { listenDatagram?: ListenDatagram }).listenDatagram;
  if (typeof listenDatagram !== "function") {
    return {
      sent: false,
      reason: "unix datagram sockets need Deno's --unstable-net flag " +
        "(the release binary has it; with `deno run`, add --unstable-net)",
    };
  }
  // Abstract-namespace sockets are written with a leading '@' in NOTIFY_SOCKET.
  const target = path.startsWith("@") ? "\0" + path.slice(1) : path;
  let socket: DatagramSocket | undefined;
  try {
    socket = listenDatagram({ transport: "unixpacket" });
    await socket.send(new TextEncoder().encode(state), { transport: "unixpacket", path: target });
    return { sent: true };
  } catch (e) {
    return { sent: false, reason: `sd_notify: ${(e as Error).message}` };
  } finally {
    socket?.close();
  }
}

/** Which supervisor to talk to, from `supervised` and, for `auto`, the environment. */
export function supervisionMode(supervised: string): "systemd" | "upstart" | "no" {
  if (supervised === "systemd" || supervised === "upstart") return supervised;
  if (supervised === "auto") {
    if (notifySocketPath()) return "systemd";
    try {
      if (Deno.env.get("UPSTART_JOB")) return "upstart";
    } catch {
      // No env permission: nothing to detect.
    }
  }
  return "no";
}
