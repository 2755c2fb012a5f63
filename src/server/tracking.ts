/**
 * Client-side caching (`CLIENT TRACKING`), as Redis 7.0 does it.
 *
 * Default mode remembers, per key, the ids of the tracking clients that read
 * it; the first modification sends each of them one invalidation and forgets
 * the key. BCAST mode remembers nothing per client: keys modified under a
 * registered prefix are batched and broadcast once the current batch of
 * commands has run (Redis does it before the event loop sleeps).
 *
 * Invalidations go to the client itself as a RESP3 `invalidate` push, or to
 * its REDIRECT client: a RESP3 push, or a RESP2 `__redis__:invalidate`
 * message when that client is subscribed to anything. A client's own
 * modifications are told after its command's reply (Redis's pending keys),
 * or not at all with NOLOOP.
 *
 * The state is created on the first `CLIENT TRACKING ON`; the server's hooks
 * ({@link Server.keyTracker}) are only set while some client tracks.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import type { Database } from "../store/database.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { commandKeys } from "../commands/key_specs.ts";
import { isKeyword, latin1, latin1Bytes } from "../util/bytes.ts";

/** The tracking options of one client (Redis's CLIENT_TRACKING_* flags). */
export interface TrackingState {
  /** Client id invalidations go to; 0 for the client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** `CLIENT CACHING yes|no` given for the next command. */
  caching: boolean;
  /** The redirect client was gone when an invalidation was due. */
  brokenRedirect: boolean;
  /** BCAST prefixes (latin1), "" for all keys. */
  prefixes: Set<string>;
}

/** A BCAST prefix: its clients and the keys modified since the last broadcast. */
interface PrefixState {
  clients: Set<Client>;
  /** Modified key → the client whose command modified it (null: expiry, eviction). */
  keys: Map<string, Client | null>;
}

const INVALIDATE = latin1Bytes("invalidate");
const REDIR_BROKEN = latin1Bytes("tracking-redir-broken");
const CHANNEL = latin1Bytes("__redis__:invalidate");
const NULL_BY_PROTO = { 2: latin1Bytes("$-1\r\n"), 3: latin1Bytes("_\r\n") };

/** The tracking table and the tracking clients of one server. */
export class Tracking {
  /** Tracking clients and their options. */
  readonly clients = new Map<Client, TrackingState>();
  /** Default mode: key (latin1) → ids of the clients that read it. */
  readonly table = new Map<string, Set<number>>();
  /** Sum of the id sets of {@link table} (`tracking_total_items`). */
  items = 0;
  /** BCAST prefixes, across clients. */
  readonly prefixes = new Map<string, PrefixState>();
  /** Invalidations for the running command's own client, sent after its reply (null: flush). */
  private pending: (Uint8Array | null)[] = [];
  private broadcastScheduled = false;
  private maxKeys: number;
  private readonly tracker = {
    keyModified: (_db: Database, key: Uint8Array, byCommand: boolean) =>
      this.keyModified(key, byCommand),
    clientClosed: (c: Client) => this.disable(c),
    commandDone: (c: Client, argv: Uint8Array[]) => this.commandDone(c, argv),
  };

  constructor(private readonly server: Server) {
    server.commandObservers.push((c, argv, _name, _micros, spec) =>
      this.commandExecuted(c, argv, spec)
    );
    server.flushHooks.push(() => this.flushed());
    this.maxKeys = server.config.int("tracking-table-max-keys");
    server.config.onChange("tracking-table-max-keys", (v) => this.maxKeys = v as number);
  }

  /** Turns tracking on (or changes its options while on), as Redis's enableTracking. */
  enable(
    c: Client,
    redirect: number,
    options: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean },
    prefixes: string[],
  ): void {
    let state = this.clients.get(c);
    if (state === undefined) {
      state = {
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        caching: false,
        brokenRedirect: false,
        prefixes: new Set(),
      };
      this.clients.set(c, state);
      this.server.keyTracker = this.tracker;
    }
    state.brokenRedirect = false;
    state.redirect = redirect;
    state.bcast = options.bcast;
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
    if (options.bcast) {
      if (prefixes.length === 0) this.addPrefix(c, state, "");
      for (const p of prefixes) this.addPrefix(c, state, p);
    }
  }

  /** Turns tracking off (CLIENT TRACKING OFF, RESET, disconnect); keys read stay in the table. */
  disable(c: Client): void {
    const state = this.clients.get(c);
    if (state === undefined) return;
    for (const p of state.prefixes) {
      const prefix = this.prefixes.get(p)!;
      prefix.clients.delete(c);
      if (prefix.clients.size === 0) this.prefixes.delete(p);
    }
    this.clients.delete(c);
    this.unhookWhenIdle();
  }

  /**
   * Keys read stay tracked with no tracking client left (a client turning
   * tracking back on is told of them), so the hooks go only once both are gone.
   */
  private unhookWhenIdle(): void {
    if (this.clients.size === 0 && this.table.size === 0 && this.pending.length === 0) {
      this.server.keyTracker = null;
    }
  }

  private addPrefix(c: Client, state: TrackingState, p: string): void {
    let prefix = this.prefixes.get(p);
    if (prefix === undefined) {
      this.prefixes.set(p, prefix = { clients: new Set(), keys: new Map() });
    }
    prefix.clients.add(c);
    state.prefixes.add(p);
  }

  /** After every executed command (nested ones too): remember the keys a tracking client read. */
  private commandExecuted(c: Client, argv: Uint8Array[], spec: CommandSpec): void {
    const state = this.clients.get(c);
    if (state !== undefined && !state.bcast && spec.flags.includes("readonly")) {
      this.remember(c, state, argv, spec);
    }
  }

  /**
   * After each top-level command line, as Redis's resetClient and
   * afterCommand: CLIENT CACHING holds for the next command only (a whole
   * transaction; a known CLIENT subcommand keeps it, any other command,
   * even a rejected one, spends it), and the client's own invalidations follow its reply.
   */
  private commandDone(c: Client, argv: Uint8Array[]): void {
    const state = this.clients.get(c);
    if (state !== undefined && c.multi === null && !this.isClientSubcommand(argv)) {
      state.caching = false;
    }
    if (this.pending.length > 0) {
      const pending = this.pending;
      this.pending = [];
      for (const key of pending) {
        if (key === null) this.send(c, NULL_BY_PROTO[c.proto], true);
        else this.send(c, key, false);
      }
    }
    if (this.maxKeys !== 0 && this.table.size > this.maxKeys) this.limitTable();
    this.unhookWhenIdle();
  }

  /**
   * True for a known CLIENT subcommand, even one rejected for its arity:
   * Redis keeps CLIENT CACHING across commands whose resolved command is
   * CLIENT's, which CLIENT alone and unknown subcommands are not.
   */
  private isClientSubcommand(argv: Uint8Array[]): boolean {
    if (argv.length < 2 || !isKeyword(argv[0], "client")) return false;
    const commands = this.server.commands;
    const container = commands.lookup(argv[0]);
    return container !== undefined && commands.subcommand(container, argv[1]) !== undefined;
  }

  private remember(c: Client, state: TrackingState, argv: Uint8Array[], spec: CommandSpec): void {
    if ((state.optin && !state.caching) || (state.optout && state.caching)) return;
    for (const ref of commandKeys(spec, argv)) {
      const key = latin1(argv[ref.pos]);
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, ids = new Set());
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
  }

  /**
   * A key was modified: invalidates it for the clients that read it and
   * queues it for the BCAST prefixes it matches. `byCommand` is false for
   * expiry and eviction (no client to spare under NOLOOP for BCAST).
   */
  private keyModified(key: Uint8Array, byCommand: boolean): void {
    const current = this.server.currentClient;
    if (this.prefixes.size > 0) this.rememberForBroadcast(key, byCommand ? current : null);
    this.invalidate(latin1(key), key, current);
  }

  private invalidate(keyText: string, key: Uint8Array, current: Client | null): void {
    const ids = this.table.get(keyText);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = this.server.clients.get(id);
      if (target === undefined) continue;
      const state = this.clients.get(target);
      if (state === undefined || state.bcast) continue;
      if (target === current) {
        if (!state.noloop) this.pending.push(key.slice());
      } else {
        this.send(target, key, false);
      }
    }
    this.items -= ids.size;
    this.table.delete(keyText);
    if (this.table.size === 0) this.unhookWhenIdle();
  }

  private rememberForBroadcast(key: Uint8Array, by: Client | null): void {
    const keyText = latin1(key);
    for (const [p, prefix] of this.prefixes) {
      if (!keyText.startsWith(p)) continue;
      prefix.keys.set(keyText, by);
      if (!this.broadcastScheduled) {
        this.broadcastScheduled = true;
        queueMicrotask(() => this.broadcast());
      }
    }
  }

  /** Sends each prefix's modified keys to its clients (Redis's beforeSleep broadcast). */
  private broadcast(): void {
    this.broadcastScheduled = false;
    for (const p of [...this.prefixes.keys()].sort()) {
      const prefix = this.prefixes.get(p)!;
      if (prefix.keys.size === 0) continue;
      const keys = [...prefix.keys].sort((a, b) => (a[0] < b[0] ? -1 : 1));
      prefix.keys = new Map();
      const all = keysReply(keys.map(([k]) => k));
      for (const c of prefix.clients) {
        if (!this.clients.get(c)!.noloop) {
          this.send(c, all, true);
          continue;
        }
        const others = keys.filter(([, by]) => by !== c).map(([k]) => k);
        if (others.length > 0) this.send(c, keysReply(others), true);
      }
    }
  }

  /** FLUSHDB / FLUSHALL / DEBUG RELOAD: a null invalidation to every tracking client; the table is emptied. */
  flushed(): void {
    if (this.clients.size > 0) {
      const current = this.server.currentClient;
      for (const c of this.server.clients.values()) {
        if (!this.clients.has(c)) continue;
        if (c === current) this.pending.push(null);
        else this.send(c, NULL_BY_PROTO[c.proto], true);
      }
    }
    this.table.clear();
    this.items = 0;
    this.unhookWhenIdle();
  }

  /** `tracking-table-max-keys`: past it, keys are forgotten with an invalidation. */
  private limitTable(): void {
    for (const keyText of this.table.keys()) {
      if (this.table.size <= this.maxKeys) break;
      this.invalidate(keyText, latin1Bytes(keyText), null);
    }
  }

  /**
   * Sends one invalidation of client `c`: `payload` is a key, or (when
   * `encoded`) the RESP of the key array or null, as Redis's sendTrackingMessage.
   */
  private send(c: Client, payload: Uint8Array, encoded: boolean): void {
    const state = this.clients.get(c);
    let target = c;
    const redirected = state !== undefined && state.redirect !== 0;
    if (redirected) {
      const redirect = this.server.clients.get(state!.redirect);
      if (redirect === undefined || redirect.closed) {
        state!.brokenRedirect = true;
        if (c.proto === 3) {
          c.out.push(2);
          c.out.bulk(REDIR_BROKEN);
          c.out.integer(state!.redirect);
          deliver(c);
        }
        return;
      }
      target = redirect;
    }
    const out = target.out;
    if (target.proto === 3) {
      out.push(2);
      out.bulk(INVALIDATE);
    } else if (redirected && target.subscribed) {
      // Even a client redirecting to itself, as in Redis.
      out.push(3);
      out.bulkLatin1("message");
      out.bulk(CHANNEL);
    } else {
      return;
    }
    if (encoded) {
      out.raw(payload);
    } else {
      out.array(1);
      out.bulk(payload);
    }
    deliver(target);
  }
}

/** The RESP array of keys a broadcast sends. */
function keysReply(keys: string[]): Uint8Array {
  let text = `*${keys.length}\r\n`;
  for (const k of keys) text += `$${k.length}\r\n${k}\r\n`;
  return latin1Bytes(text);
}

function deliver(c: Client): void {
  if (!c.checkOutputLimits()) c.scheduleFlush();
}

const BY_SERVER = new WeakMap<Server, Tracking>();

/** The tracking state of a server, created on first use. */
export function trackingOf(server: Server): Tracking {
  let tracking = BY_SERVER.get(server);
  if (tracking === undefined) BY_SERVER.set(server, tracking = new Tracking(server));
  return tracking;
}

/** The tracking options of a client, or undefined when it does not track. */
export function trackingStateOf(c: Client): TrackingState | undefined {
  return BY_SERVER.get(c.server)?.clients.get(c);
}

/** The dataset was emptied other than by FLUSHDB/FLUSHALL (DEBUG RELOAD). */
export function datasetEmptied(server: Server): void {
  BY_SERVER.get(server)?.flushed();
}

/** INFO figures: tracking clients, keys, items and prefixes. */
export function trackingCounts(
  server: Server,
): { clients: number; keys: number; items: number; prefixes: number } {
  const t = BY_SERVER.get(server);
  if (t === undefined) return { clients: 0, keys: 0, items: 0, prefixes: 0 };
  return { clients: t.clients.size, keys: t.table.size, items: t.items, prefixes: t.prefixes.size };
}
