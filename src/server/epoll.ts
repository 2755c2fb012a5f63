/**
 * Rift's own socket loop for Linux (`io-backend epoll`): listening and
 * client sockets are libc sockets driven by an `epoll` set, all called
 * through FFI, instead of Deno's socket ops.
 *
 * Why: with Deno's ops every read and every write is an async op, a
 * promise and a trip through the runtime's event loop, ~1.5 µs of CPU each
 * on the benchmark VM; a server that answers `+PONG` spent ~4 µs of user
 * CPU per request that way, against ~2 µs for Redis. An FFI call whose
 * arguments are only 32-bit integers, pointers or typed arrays takes V8's
 * fast path (~10-30 ns; a 64-bit integer argument falls back to a ~200 ns
 * slow path, so lengths are declared `u32`), so this loop costs little
 * more than the system calls themselves.
 *
 * The loop runs on the main thread, as Redis's does: it asks the kernel for
 * ready sockets without waiting, reads every ready one, then lets the
 * microtasks run, which is where the server runs the commands of all the
 * connections read in this pass and writes their replies (Server.executeSoon
 * and Server.queueWrite schedule that work as microtasks, as they do for
 * Deno's ops). When nothing is ready it blocks in `epoll_wait` for at most
 * {@link BUSY_WAIT_MS}; after {@link BUSY_WAITS} such waits in a row it
 * parks: the wait moves to a thread (a `nonblocking` FFI call), so an idle
 * server leaves Deno's event loop entirely to timers and file work. While
 * busy, it yields a turn of Deno's event loop at least every
 * {@link YIELD_EVERY_MS}, so timers and signals keep running, and every
 * {@link YIELD_SOON_MS} while work that only moves on in those turns is
 * under way (see {@link yieldDue}). An embedded server (one sharing the
 * thread with its host program) never blocks in the main thread: it parks
 * as soon as nothing is ready.
 *
 * Completions are reported as the {@link ClientSocket} interface promises:
 * later, never from inside the call that started the operation (they run
 * as one microtask per batch).
 *
 * @module
 */

import type { ClientSocket } from "./client_socket.ts";
import { monotonicNow } from "../util/monotonic.ts";

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_KEEPALIVE = 9;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const EPOLLIN = 0x1;
const EPOLLOUT = 0x4;
const EPOLLERR = 0x8;
const EPOLLHUP = 0x10;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const EPOLL_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const EINTR = 4;
const EAGAIN = 11;
const ECONNRESET = 104;
const EPIPE = 32;
const ENOTCONN = 107;
const ECONNABORTED = 103;

/** Ready sockets taken from the kernel per pass. */
const MAX_EVENTS = 256;
/** Longest wait on the main thread while busy (Deno's timers wait this long at most). */
const BUSY_WAIT_MS = 1;
/** Empty waits in a row after which the loop parks in a thread. */
const BUSY_WAITS = 2;
/** Longest run of passes without a turn of Deno's event loop. */
export const YIELD_EVERY_MS = 4;
/** Longest such run while work waits for those turns (see {@link yieldDue}). */
export const YIELD_SOON_MS = 1;
/** Longest park before the loop looks at its state again. */
const PARK_MS = 1000;
/** Longest a closed socket waits for the peer to take its last replies (see closeSocket). */
const DRAIN_MS = 2000;
/** ioctl request for the bytes a socket has not yet had acknowledged (SIOCOUTQ). */
const TIOCOUTQ = 0x5411;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  epoll_park: {
    name: "epoll_wait",
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  recv: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  ioctl: { parameters: ["i32", "u32", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null = null;
let errnoView: Deno.UnsafePointerView | null = null;

/** Why the epoll backend cannot run here, or null when it can. */
export function epollUnavailable(): string | null {
  if (Deno.build.os !== "linux") return `io-backend epoll needs Linux (this is ${Deno.build.os})`;
  if (Deno.build.arch !== "x86_64" && Deno.build.arch !== "aarch64") {
    return `io-backend epoll does not support ${Deno.build.arch}`;
  }
  try {
    loadLibc();
  } catch (e) {
    return `io-backend epoll needs FFI (--allow-ffi) and libc.so.6: ${(e as Error).message}`;
  }
  return null;
}

function loadLibc(): Libc {
  if (libc === null) {
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
    errnoView = new Deno.UnsafePointerView(libc.__errno_location()!);
  }
  return libc;
}

function errno(): number {
  return errnoView!.getInt32();
}

/** Why the last call failed, or null when it only would have blocked (or was interrupted). */
function callError(): Error | null {
  const code = errno();
  return code === EAGAIN || code === EINTR ? null : osError(code);
}

/** An OS error as Deno reports one ("Address already in use (os error 98)"), with Deno's class. */
function osError(code: number): Error {
  const text = Deno.UnsafePointerView.getCString(libc!.strerror(code)!);
  const message = `${text} (os error ${code})`;
  switch (code) {
    case ECONNRESET:
      return new Deno.errors.ConnectionReset(message);
    case EPIPE:
      return new Deno.errors.BrokenPipe(message);
    case ENOTCONN:
      return new Deno.errors.NotConnected(message);
    case ECONNABORTED:
      return new Deno.errors.ConnectionAborted(message);
    case 98:
      return new Deno.errors.AddrInUse(message);
    case 99:
      return new Deno.errors.AddrNotAvailable(message);
    default:
      return new Error(message);
  }
}

/** epoll_event: packed 12 bytes on x86-64, 16 with padding before the data on arm64. */
const EVENT_SIZE = Deno.build.arch === "x86_64" ? 12 : 16;
const EVENT_DATA = Deno.build.arch === "x86_64" ? 4 : 8;

// ------------------------------------------------------------- addresses

/** A numeric IPv4 or IPv6 address as socket address bytes, or null when it is neither. */
function sockaddrFor(host: string, port: number): Uint8Array | null {
  const v4 = parseIPv4(host === "localhost" ? "127.0.0.1" : host);
  if (v4 !== null) {
    const sa = new Uint8Array(16);
    sa[0] = AF_INET;
    sa[2] = port >> 8;
    sa[3] = port & 0xff;
    sa.set(v4, 4);
    return sa;
  }
  const v6 = parseIPv6(host);
  if (v6 === null) return null;
  const sa = new Uint8Array(28);
  sa[0] = AF_INET6;
  sa[2] = port >> 8;
  sa[3] = port & 0xff;
  sa.set(v6, 8);
  return sa;
}

function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i]) || Number(parts[i]) > 255) return null;
    out[i] = Number(parts[i]);
  }
  return out;
}

function parseIPv6(text: string): Uint8Array | null {
  if (!text.includes(":") || text.includes("%")) return null;
  let head = text;
  let tail = "";
  const gap = text.indexOf("::");
  if (gap >= 0) {
    if (text.indexOf("::", gap + 1) >= 0) return null;
    head = text.slice(0, gap);
    tail = text.slice(gap + 2);
  }
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const words: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const v4 = i === parts.length - 1 ? parseIPv4(parts[i]) : null;
      if (v4 !== null) {
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(parts[i])) {
        words.push(parseInt(parts[i], 16));
      } else {
        return null;
      }
    }
    return words;
  };
  const a = groups(head);
  const b = groups(tail);
  if (a === null || b === null) return null;
  const missing = 8 - a.length - b.length;
  if (gap >= 0 ? missing < 1 : missing !== 0) return null;
  const words = [...a, ...new Array(missing).fill(0), ...b];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i] >> 8;
    out[2 * i + 1] = words[i] & 0xff;
  }
  return out;
}

/** An IPv6 address in RFC 5952 form, as Rust (and so Deno) prints it. */
export function formatIPv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  // The longest run of two or more zero words is written as "::".
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(":");
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

function addrOf(sa: Uint8Array): Deno.NetAddr {
  const port = (sa[2] << 8) | sa[3];
  if (sa[0] === AF_INET6) {
    return { transport: "tcp", hostname: formatIPv6(sa.subarray(8, 24)), port };
  }
  return { transport: "tcp", hostname: `${sa[4]}.${sa[5]}.${sa[6]}.${sa[7]}`, port };
}

// ----------------------------------------------------------------- sockets

type Done = (n: number) => void;
type Failed = (e: unknown) => void;

/**
 * Whether the busy loop, `sinceMs` after its last turn of Deno's event loop,
 * yields another. A turn costs ~50 µs under load, so one per millisecond
 * took ~5% of the main thread; one every {@link YIELD_EVERY_MS} is enough
 * for timers (the cron runs every 100 ms; under load a blocking command's
 * timeout or a CLIENT PAUSE may end up to that much late) and signals. But
 * file writes and fsyncs complete, and a background save's slices resume,
 * only in those turns: while such work (or an embedded server's host
 * program, which shares the thread) `wantsFrequentTurns`, one every
 * {@link YIELD_SOON_MS}.
 */
export function yieldDue(sinceMs: number, wantsFrequentTurns: () => boolean): boolean {
  if (sinceMs >= YIELD_EVERY_MS) return true;
  return sinceMs >= YIELD_SOON_MS && wantsFrequentTurns();
}

/** A listening socket of an {@link EpollLoop}. */
export interface EpollListener {
  /** The bound address (the port is the one the kernel chose for port 0). */
  readonly addr: Deno.NetAddr;
  /** Stops accepting. */
  close(): void;
}

class EpollSocket implements ClientSocket {
  /** The read waiting for bytes: where they go and whom to tell. */
  readRegion: Uint8Array | null = null;
  readDone: Done | null = null;
  readFailed: Failed | null = null;
  /** Unsent bytes of a write waiting for the socket to drain. */
  writeBytes: Uint8Array | null = null;
  writeDone: Done | null = null;
  writeFailed: Failed | null = null;
  /** The events the epoll set watches for this socket. */
  interest = EPOLLIN;
  closed = false;
  /** When a closed socket stops waiting for its replies to drain (see EpollLoop.closeSocket). */
  drainUntil = 0;

  constructor(
    private readonly loop: EpollLoop,
    /** The descriptor; -1 once closed (see EpollLoop.release). */
    public fd: number,
    readonly remoteAddr: Deno.NetAddr,
    readonly localAddr: Deno.NetAddr,
  ) {}

  read(region: Uint8Array, done: Done, failed: Failed): void {
    if (this.closed) {
      this.loop.complete(failed, new Deno.errors.BadResource("Bad resource ID"));
      return;
    }
    this.readRegion = region;
    this.readDone = done;
    this.readFailed = failed;
    if ((this.interest & EPOLLIN) === 0) this.loop.watch(this, this.interest | EPOLLIN);
  }

  write(bytes: Uint8Array, done: Done, failed: Failed): void {
    if (this.closed) {
      this.loop.complete(failed, new Deno.errors.BadResource("Bad resource ID"));
      return;
    }
    const n = bytes.length === 0 ? 0 : libc!.send(this.fd, bytes, bytes.length, MSG_NOSIGNAL);
    if (n > 0 || bytes.length === 0) {
      this.loop.complete(done, n);
      return;
    }
    const error = n < 0 ? callError() : null;
    if (error !== null) {
      this.loop.complete(failed, error);
      return;
    }
    // The socket's buffer is full: send when it drains.
    this.writeBytes = bytes;
    this.writeDone = done;
    this.writeFailed = failed;
    this.loop.watch(this, this.interest | EPOLLOUT);
  }

  close(): void {
    if (this.closed) throw new Deno.errors.BadResource("Bad resource ID");
    this.loop.closeSocket(this);
  }

  /** The peer or the kernel reported the socket readable (or failed). */
  readable(): void {
    const region = this.readRegion;
    if (region === null) {
      // Nobody reads now (the client waits for its output to drain): stop
      // watching, or a level-triggered set would report it on every pass.
      this.loop.watch(this, this.interest & ~EPOLLIN);
      return;
    }
    const n = libc!.recv(this.fd, region, region.length, 0);
    if (n < 0) {
      const error = callError();
      if (error !== null) this.failRead(error);
      return;
    }
    const done = this.readDone!;
    this.clearRead();
    done(n);
  }

  /** The socket can take more bytes of the write waiting for it. */
  writable(): void {
    const bytes = this.writeBytes;
    if (bytes === null) {
      this.loop.watch(this, this.interest & ~EPOLLOUT);
      return;
    }
    const n = libc!.send(this.fd, bytes, bytes.length, MSG_NOSIGNAL);
    if (n < 0) {
      const error = callError();
      if (error !== null) this.failWrite(error);
      return;
    }
    const done = this.writeDone!;
    this.clearWrite();
    this.loop.watch(this, this.interest & ~EPOLLOUT);
    done(n);
  }

  failRead(e: unknown): void {
    const failed = this.readFailed;
    this.clearRead();
    if (failed !== null) this.loop.complete(failed, e);
  }

  failWrite(e: unknown): void {
    const failed = this.writeFailed;
    this.clearWrite();
    if (failed !== null) this.loop.complete(failed, e);
  }

  private clearRead(): void {
    this.readRegion = null;
    this.readDone = null;
    this.readFailed = null;
  }

  private clearWrite(): void {
    this.writeBytes = null;
    this.writeDone = null;
    this.writeFailed = null;
  }
}

/** The epoll loop: listeners, client sockets and the pass that serves them. */
export class EpollLoop {
  private readonly libc: Libc;
  private readonly epfd: number;
  /** Written to wake a parked loop (a listener closed, the loop must look at its state). */
  private readonly wakeFd: number;
  private readonly events = new Uint8Array(MAX_EVENTS * EVENT_SIZE);
  private readonly eventView = new DataView(this.events.buffer);
  private readonly parkEvents = new Uint8Array(EVENT_SIZE);
  private readonly ctlEvent = new Uint8Array(EVENT_SIZE);
  private readonly ctlView = new DataView(this.ctlEvent.buffer);
  private readonly one = new Uint8Array(new Int32Array([1]).buffer);
  private readonly listeners = new Map<number, EpollListener>();
  private readonly sockets: (EpollSocket | undefined)[] = [];
  private socketCount = 0;
  private running = false;
  /**
   * Completions of the current pass and their values, run together as one
   * microtask: the first {@link completionCount} slots. The arrays are kept
   * and their slots reused (emptying an array drops its storage, which then
   * comes back on the next push: two allocations a pass).
   */
  private readonly completions: (((value: never) => void) | undefined)[] = [];
  private readonly completionValues: unknown[] = [];
  private completionCount = 0;
  /** Scratch for draining the wake-up counter, and the increment that wakes it. */
  private readonly wakeBytes = new Uint8Array(8);
  private readonly wakeOne = Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0);
  /** Where a closed socket's unread input goes. */
  private readonly discard = new Uint8Array(65536);
  /** Closed sockets whose last replies are still on their way (see closeSocket). */
  private readonly draining: EpollSocket[] = [];
  private readonly outq = new Uint8Array(4);
  private readonly outqView = new Int32Array(this.outq.buffer);
  private yieldChannel: MessageChannel | null = null;
  private resumeAfterYield: (() => void) | null = null;
  private resolveFinished!: () => void;
  /**
   * Resolves once the loop has stopped (every listener and socket closed)
   * and released its descriptors: no wait is left in a thread after it.
   */
  readonly finished: Promise<void> = new Promise((resolve) => this.resolveFinished = resolve);

  constructor(
    private readonly onAccept: (socket: ClientSocket) => void,
    private readonly keepAlive: () => boolean,
    /** Called before a pass hands its ready sockets to their users. */
    private readonly startPass: () => void,
    /** Called after it, to run and answer what they queued. */
    private readonly finishPass: () => void,
    /**
     * Whether idle waits may block the main thread for a while before the
     * loop parks: yes for the `rift` process, no for an embedded server,
     * which shares the thread with its host program and so parks at once.
     */
    private readonly waitOnMainThread: boolean,
    /** Whether work waits for turns of Deno's event loop (see {@link yieldDue}). */
    private readonly wantsFrequentTurns: () => boolean,
  ) {
    this.libc = loadLibc();
    this.epfd = this.check(this.libc.epoll_create1(EPOLL_CLOEXEC));
    this.wakeFd = this.check(this.libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    this.control(EPOLL_CTL_ADD, this.wakeFd, EPOLLIN);
  }

  private check(result: number): number {
    if (result < 0) throw osError(errno());
    return result;
  }

  private control(op: number, fd: number, events: number): number {
    this.ctlView.setUint32(0, events, true);
    this.ctlView.setUint32(EVENT_DATA, fd, true);
    this.ctlView.setUint32(EVENT_DATA + 4, 0, true);
    return this.libc.epoll_ctl(this.epfd, op, fd, this.ctlEvent);
  }

  /** Listens on a numeric address (or `localhost`); throws as `Deno.listen` would. */
  listen(host: string, port: number): EpollListener {
    const sa = sockaddrFor(host, port);
    if (sa === null) throw new Error(`io-backend epoll needs a numeric address, got '${host}'`);
    const L = this.libc;
    const fd = this.check(L.socket(sa[0], SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    try {
      L.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, this.one, 4);
      if (sa[0] === AF_INET6) L.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, this.one, 4);
      this.check(L.bind(fd, sa, sa.length));
      this.check(L.listen(fd, 511));
      this.check(this.control(EPOLL_CTL_ADD, fd, EPOLLIN));
    } catch (e) {
      L.close(fd);
      throw e;
    }
    const bound = new Uint8Array(28);
    L.getsockname(fd, bound, new Uint8Array(new Uint32Array([bound.length]).buffer));
    const listener: EpollListener = {
      addr: addrOf(bound),
      close: () => {
        if (!this.listeners.delete(fd)) throw new Deno.errors.BadResource("Bad resource ID");
        this.libc.close(fd);
        this.wake();
      },
    };
    this.listeners.set(fd, listener);
    return listener;
  }

  /** Runs the loop until every listener and socket is closed. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => this.resumeAfterYield?.();
    this.yieldChannel = channel;
    void this.run();
  }

  private async run(): Promise<void> {
    let emptyWaits = 0;
    let lastYield = monotonicNow();
    while (this.listeners.size > 0 || this.socketCount > 0) {
      let n = this.libc.epoll_wait(this.epfd, this.events, MAX_EVENTS, 0);
      if (n === 0) {
        if (!this.waitOnMainThread || emptyWaits >= BUSY_WAITS) {
          // Idle: wait in a thread, leaving Deno's event loop free (briefly
          // while closed sockets drain: nothing reports when they are done).
          const wait = this.draining.length > 0 ? BUSY_WAIT_MS : PARK_MS;
          await this.libc.epoll_park(this.epfd, this.parkEvents, 1, wait);
          if (this.draining.length > 0) this.finishDraining();
          emptyWaits = 0;
          lastYield = monotonicNow();
          continue;
        }
        n = this.libc.epoll_wait(this.epfd, this.events, MAX_EVENTS, BUSY_WAIT_MS);
        emptyWaits = n > 0 ? 0 : emptyWaits + 1;
      } else {
        emptyWaits = 0;
      }
      if (n > 0) {
        this.startPass();
        try {
          this.dispatch(n);
        } finally {
          // Run the commands of the connections read in this pass and send
          // their replies now, not when their microtasks come: the next wait
          // may block, and the replies must not wait for it.
          this.finishPass();
        }
      }
      if (this.draining.length > 0) this.finishDraining();
      // Completions and whatever else the pass queued run as microtasks.
      await undefined;
      const now = monotonicNow();
      if (yieldDue(now - lastYield, this.wantsFrequentTurns)) {
        lastYield = now;
        await this.yieldToRuntime();
      }
    }
    this.yieldChannel?.port1.close();
    this.yieldChannel?.port2.close();
    this.yieldChannel = null;
    this.running = false;
    this.libc.close(this.wakeFd);
    this.libc.close(this.epfd);
    this.resolveFinished();
  }

  /** One turn of Deno's event loop (timers, signals, file operations). */
  private yieldToRuntime(): Promise<void> {
    return new Promise((resolve) => {
      this.resumeAfterYield = resolve;
      this.yieldChannel!.port2.postMessage(0);
    });
  }

  private dispatch(n: number): void {
    const view = this.eventView;
    for (let i = 0; i < n; i++) {
      const at = i * EVENT_SIZE;
      const events = view.getUint32(at, true);
      const fd = view.getUint32(at + EVENT_DATA, true);
      const socket = this.sockets[fd];
      if (socket !== undefined) {
        if ((events & EPOLLOUT) !== 0 || ((events & (EPOLLERR | EPOLLHUP)) !== 0)) {
          if (socket.writeBytes !== null) socket.writable();
        }
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) !== 0) {
          if (!socket.closed) socket.readable();
          else if (!this.discardInput(socket.fd)) this.release(socket);
        }
      } else if (fd === this.wakeFd) {
        this.libc.read(this.wakeFd, this.wakeBytes, 8);
      } else if (this.listeners.has(fd)) {
        this.acceptAll(fd);
      }
    }
  }

  private acceptAll(listenFd: number): void {
    const L = this.libc;
    for (;;) {
      const peer = new Uint8Array(28);
      const peerLen = new Uint8Array(new Uint32Array([peer.length]).buffer);
      const fd = L.accept4(listenFd, peer, peerLen, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return; // EAGAIN: all taken (or the peer already left)
      L.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, this.one, 4);
      if (this.keepAlive()) L.setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, this.one, 4);
      const local = new Uint8Array(28);
      L.getsockname(fd, local, new Uint8Array(new Uint32Array([local.length]).buffer));
      const socket = new EpollSocket(this, fd, addrOf(peer), addrOf(local));
      this.sockets[fd] = socket;
      this.socketCount++;
      this.control(EPOLL_CTL_ADD, fd, EPOLLIN);
      this.onAccept(socket);
    }
  }

  /** Sets the events watched for a socket. */
  watch(socket: EpollSocket, interest: number): void {
    if (socket.interest === interest || socket.closed) return;
    socket.interest = interest;
    this.control(EPOLL_CTL_MOD, socket.fd, interest);
  }

  /** Calls `callback(value)` once the current call has returned (one microtask per batch). */
  complete<T>(callback: (value: T) => void, value: T): void {
    const slot = this.completionCount++;
    if (slot === 0) queueMicrotask(this.runCompletions);
    this.completions[slot] = callback as (value: never) => void;
    this.completionValues[slot] = value;
  }

  /**
   * Runs the completions in order, including those the callbacks add (they
   * start after the callback that added them has returned). Each slot is
   * cleared before its call so nothing stays referenced.
   */
  private readonly runCompletions = (): void => {
    const callbacks = this.completions;
    const values = this.completionValues;
    try {
      for (let i = 0; i < this.completionCount; i++) {
        const callback = callbacks[i] as (value: unknown) => void;
        const value = values[i];
        callbacks[i] = undefined;
        values[i] = undefined;
        callback(value);
      }
    } finally {
      // Callbacks catch their own errors; should one escape, the next batch still gets its microtask.
      this.completionCount = 0;
    }
  };

  /**
   * Closes a socket for its user at once (a read or write in flight fails).
   * Its descriptor is closed once the kernel has sent everything queued and
   * the peer acknowledged it, or after {@link DRAIN_MS}: a socket closed with
   * unread input, or receiving more afterwards, is reset by the kernel, which
   * drops the replies still queued (a client shut down in the middle of a
   * pipeline lost thousands). Meanwhile its input is read and thrown away.
   */
  closeSocket(socket: EpollSocket): void {
    socket.closed = true;
    const gone = new Deno.errors.BadResource("Bad resource ID");
    socket.failRead(gone);
    socket.failWrite(gone);
    if (this.discardInput(socket.fd) && this.unsentBytes(socket.fd) > 0) {
      socket.drainUntil = performance.now() + DRAIN_MS;
      this.control(EPOLL_CTL_MOD, socket.fd, EPOLLIN);
      this.draining.push(socket);
      return;
    }
    this.release(socket);
  }

  /** Reads and drops what a closed socket received; false once the peer is gone. */
  private discardInput(fd: number): boolean {
    for (;;) {
      const n = this.libc.recv(fd, this.discard, this.discard.length, 0);
      if (n > 0) continue;
      return n < 0 && callError() === null;
    }
  }

  /** Bytes queued on a socket that the peer has not acknowledged yet (0 when unknown). */
  private unsentBytes(fd: number): number {
    return this.libc.ioctl(fd, TIOCOUTQ, this.outq) === 0 ? this.outqView[0] : 0;
  }

  /** Closes the descriptors of draining sockets whose replies are through, or whose time is up. */
  private finishDraining(): void {
    const now = performance.now();
    let kept = 0;
    for (const socket of this.draining) {
      if (socket.fd >= 0 && (this.unsentBytes(socket.fd) > 0 && now < socket.drainUntil)) {
        this.draining[kept++] = socket;
      } else {
        this.release(socket);
      }
    }
    this.draining.length = kept;
  }

  /** Closes a closed socket's descriptor (once). */
  private release(socket: EpollSocket): void {
    if (socket.fd < 0) return;
    this.control(EPOLL_CTL_DEL, socket.fd, 0);
    this.libc.close(socket.fd);
    this.sockets[socket.fd] = undefined;
    socket.fd = -1;
    this.socketCount--;
    if (this.socketCount === 0) this.wake();
  }

  private wake(): void {
    if (this.running) this.libc.write(this.wakeFd, this.wakeOne, 8);
  }
}
