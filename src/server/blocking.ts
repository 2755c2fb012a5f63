/**
 * Blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...). A client that cannot be
 * served waits in a FIFO queue per key instead of awaiting inside a handler.
 * When a write makes a waited key ready, the server re-executes the blocked
 * command for the waiters in arrival order after the writing command ends;
 * a waiter whose command still finds nothing stays blocked in place.
 *
 * @module
 */

import { type Client, ReplyMode } from "./client.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Database } from "../store/database.ts";
import { latin1, latin1Bytes } from "../util/bytes.ts";

/** The server side a registry needs: re-running a command and resuming a client. */
export interface BlockingHost {
  /** Executes a command for a client through the normal call path. */
  call(c: Client, spec: CommandSpec, argv: Uint8Array[]): void;
  /**
   * Hands what was propagated so far to the AOF as one unit. Serving a
   * blocked client is its own unit, as in Redis: the push that woke it and
   * the pop it did are logged separately, not wrapped in MULTI/EXEC.
   */
  flushPropagation(): void;
  /** Number of databases. */
  readonly databases: number;
}

/** setTimeout's largest delay; longer waits re-arm until the deadline. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Blocked clients, per database and key, and keys that became ready. */
export class BlockingRegistry {
  private readonly waiting: Map<string, Client[]>[] = [];
  private ready: { db: Database; key: string }[] = [];
  private readonly readySets: Set<string>[] = [];
  private blockedClients = 0;
  /** Set when a re-executed command blocked again (it keeps its queue position). */
  private reblocked = false;
  /** Clients just unblocked whose pipelined commands still have to run. */
  private unblocked: Client[] = [];
  private draining = false;
  private serving: Uint8Array | null = null;
  /**
   * Clients that blocked under `CLIENT REPLY OFF` or `SKIP`: the reply that
   * ends their wait is dropped, as Redis does.
   */
  private readonly silent = new WeakSet<Client>();

  constructor(private readonly host: BlockingHost) {
    for (let i = 0; i < host.databases; i++) {
      this.waiting.push(new Map());
      this.readySets.push(new Set());
    }
  }

  /**
   * While a blocked command is re-executed, the key whose readiness woke
   * it; null otherwise. Redis 7.0 serves a waiter from that key only (a
   * waiter on `a b` woken by a push to `b` pops from `b` even if `a` was
   * filled too, and stays blocked if the key holds another type), so
   * commands that block on several keys look at this key alone when set.
   */
  get servingKey(): Uint8Array | null {
    return this.serving;
  }

  /** True while re-executing a blocked command that found nothing and waits on. */
  get waitingAgain(): boolean {
    return this.reblocked;
  }

  /** Number of clients currently blocked. */
  get count(): number {
    return this.blockedClients;
  }

  /** Number of keys with at least one blocked client. */
  get keyCount(): number {
    let n = 0;
    for (const m of this.waiting) n += m.size;
    return n;
  }

  /**
   * Blocks `c` on `keys` until one becomes ready or `timeoutMs` passes
   * (0 = forever). Inside MULTI/EXEC a command never blocks: the timeout
   * reply is written at once, as Redis does.
   */
  block(
    c: Client,
    spec: CommandSpec,
    argv: Uint8Array[],
    keys: Uint8Array[],
    timeoutMs: number,
    timeoutReply: "nullArray" | "nullBulk",
  ): void {
    if (c.inExec) {
      if (timeoutReply === "nullArray") c.out.nullArray();
      else c.out.nullBulk();
      return;
    }
    if (c.reprocessingBlocked) {
      this.reblocked = true;
      return;
    }
    const names = [...new Set(keys.map(latin1))];
    if (c.replyMode === ReplyMode.OFF || c.replyMode === ReplyMode.SKIP) this.silent.add(c);
    else this.silent.delete(c);
    const db = c.db;
    c.blocked = {
      spec,
      argv: argv.map((a) => a.slice()),
      db,
      keys: names,
      deadline: timeoutMs > 0 ? Date.now() + timeoutMs : 0,
      timeoutReply,
      timer: undefined,
    };
    for (const key of names) {
      let queue = this.waiting[db.index].get(key);
      if (!queue) this.waiting[db.index].set(key, queue = []);
      queue.push(c);
    }
    this.blockedClients++;
    if (timeoutMs > 0) this.armTimer(c);
  }

  /** Schedules the timeout; delays beyond setTimeout's range are re-armed in steps. */
  private armTimer(c: Client): void {
    const state = c.blocked!;
    const left = Math.max(0, state.deadline - Date.now());
    state.timer = setTimeout(() => {
      if (c.blocked !== state) return;
      if (Date.now() < state.deadline) {
        this.armTimer(c);
        return;
      }
      this.unblock(c, "timeout");
      this.serveReady();
    }, Math.min(left, MAX_TIMER_MS));
  }

  /** Notes that `key` may now serve blocked clients (called by pushes and adds). */
  signalKeyAsReady(db: Database, key: Uint8Array): void {
    if (this.blockedClients === 0) return;
    const k = latin1(key);
    if (!this.waiting[db.index].has(k)) return;
    const set = this.readySets[db.index];
    if (set.has(k)) return;
    set.add(k);
    this.ready.push({ db, key: k });
  }

  /** Signals every waited key that exists in a database (after SWAPDB). */
  signalDatabase(db: Database): void {
    for (const key of this.waiting[db.index].keys()) {
      if (db.findRaw(latin1Bytes(key)) >= 0) this.signalKeyAsReady(db, latin1Bytes(key));
    }
  }

  /**
   * Serves clients blocked on keys that became ready, in FIFO order per key,
   * then runs the commands the served clients had pipelined after the
   * blocking one (only once every ready key was served, as Redis does).
   * Runs after each top-level command; serving may make more keys ready.
   */
  serveReady(): void {
    if (this.ready.length > 0) this.host.flushPropagation();
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      for (const set of this.readySets) set.clear();
      for (const { db, key } of batch) {
        const queue = this.waiting[db.index].get(key);
        if (!queue) continue;
        const keyBytes = latin1Bytes(key);
        for (const c of [...queue]) {
          if (c.blocked === null || c.closed) continue;
          if (db.find(keyBytes) < 0) break;
          this.reexecute(c, keyBytes);
          this.host.flushPropagation();
        }
      }
    }
    this.drainUnblocked();
  }

  private reexecute(c: Client, key: Uint8Array): void {
    const state = c.blocked!;
    const savedDb = c.db;
    c.db = state.db;
    c.reprocessingBlocked = true;
    this.serving = key;
    this.reblocked = false;
    const mark = c.out.length;
    try {
      this.host.call(c, state.spec, state.argv);
    } finally {
      c.reprocessingBlocked = false;
      this.serving = null;
      c.db = savedDb;
    }
    if (this.reblocked) return;
    if (this.silent.has(c)) c.out.truncate(mark);
    this.resume(c);
  }

  /**
   * Runs the pending input of clients that were unblocked. Not re-entered:
   * commands run here trigger serveReady themselves, whose newly unblocked
   * clients join the queue this loop is draining.
   */
  private drainUnblocked(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.unblocked.length > 0) {
        const c = this.unblocked.shift()!;
        c.processInput();
        c.scheduleFlush();
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Ends a client's wait. `timeout` writes the command's timeout reply,
   * `error` writes the CLIENT UNBLOCK error, `served` writes nothing (the
   * re-executed command already replied). The client continues with the
   * commands it sent after the blocking one at the next {@link serveReady}
   * (right after the current command when called from one).
   */
  unblock(c: Client, how: "timeout" | "error" | "served"): void {
    const state = c.blocked;
    if (state === null) return;
    const mark = c.out.length;
    if (how === "timeout") {
      if (state.timeoutReply === "nullArray") c.out.nullArray();
      else c.out.nullBulk();
    } else if (how === "error") {
      c.out.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
      c.server.stats.command(state.spec.name).failedCalls++;
    }
    if (this.silent.has(c)) c.out.truncate(mark);
    this.resume(c);
  }

  private resume(c: Client): void {
    this.forget(c);
    this.unblocked.push(c);
    c.scheduleFlush();
  }

  /** Removes a client from every queue (disconnect, or after being served). */
  forget(c: Client): void {
    const state = c.blocked;
    if (state === null) return;
    if (state.timer !== undefined) clearTimeout(state.timer);
    const queues = this.waiting[state.db.index];
    for (const key of state.keys) {
      const queue = queues.get(key);
      if (!queue) continue;
      const i = queue.indexOf(c);
      if (i >= 0) queue.splice(i, 1);
      if (queue.length === 0) queues.delete(key);
    }
    c.blocked = null;
    this.blockedClients--;
  }
}
