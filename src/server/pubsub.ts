/**
 * Pub/Sub registry: channel, pattern and shard-channel subscriptions, and
 * message delivery into subscribers' reply buffers (RESP3 pushes or RESP2
 * arrays), with the output-buffer limit enforced on every delivery.
 *
 * @module
 */

import type { Client } from "./client.ts";
import { globMatch } from "../util/glob.ts";
import { latin1, latin1Bytes } from "../util/bytes.ts";

interface PatternSubscription {
  bytes: Uint8Array;
  clients: Set<Client>;
}

/** Subscriptions of all clients of a server. */
export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, PatternSubscription>();
  readonly shardChannels = new Map<string, Set<Client>>();

  /** Number of distinct patterns with subscribers. */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** Subscribes to a channel (latin1); false when already subscribed. */
  subscribe(c: Client, channel: string, shard = false): boolean {
    const own = shard ? c.shardChannels : c.channels;
    if (own.has(channel)) return false;
    own.add(channel);
    const registry = shard ? this.shardChannels : this.channels;
    let set = registry.get(channel);
    if (!set) registry.set(channel, set = new Set());
    set.add(c);
    return true;
  }

  /** Unsubscribes from a channel; false when not subscribed. */
  unsubscribe(c: Client, channel: string, shard = false): boolean {
    const own = shard ? c.shardChannels : c.channels;
    if (!own.delete(channel)) return false;
    const registry = shard ? this.shardChannels : this.channels;
    const set = registry.get(channel);
    if (set) {
      set.delete(c);
      if (set.size === 0) registry.delete(channel);
    }
    return true;
  }

  /** Subscribes to a pattern; false when already subscribed. */
  psubscribe(c: Client, pattern: string): boolean {
    if (c.patterns.has(pattern)) return false;
    c.patterns.add(pattern);
    let sub = this.patterns.get(pattern);
    if (!sub) this.patterns.set(pattern, sub = { bytes: latin1Bytes(pattern), clients: new Set() });
    sub.clients.add(c);
    return true;
  }

  /** Unsubscribes from a pattern; false when not subscribed. */
  punsubscribe(c: Client, pattern: string): boolean {
    if (!c.patterns.delete(pattern)) return false;
    const sub = this.patterns.get(pattern);
    if (sub) {
      sub.clients.delete(c);
      if (sub.clients.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /**
   * Delivers a message to subscribers of `channel` and of matching
   * patterns. Returns the number of deliveries (a client subscribed both
   * ways counts twice). A client being disconnected still counts, as in
   * Redis until it is freed, but gets nothing written.
   */
  publish(channel: Uint8Array, message: Uint8Array): number {
    let receivers = 0;
    if (this.channels.size > 0) {
      const set = this.channels.get(latin1(channel));
      if (set) {
        for (const c of set) {
          receivers++;
          if (c.closed) continue;
          c.out.push(3);
          c.out.bulkLatin1("message");
          c.out.bulk(channel);
          c.out.bulk(message);
          deliver(c);
        }
      }
    }
    for (const [pattern, sub] of this.patterns) {
      if (!globMatch(sub.bytes, channel)) continue;
      for (const c of sub.clients) {
        receivers++;
        if (c.closed) continue;
        c.out.push(4);
        c.out.bulkLatin1("pmessage");
        c.out.bulkLatin1(pattern);
        c.out.bulk(channel);
        c.out.bulk(message);
        deliver(c);
      }
    }
    return receivers;
  }

  /** Delivers a shard message (`SPUBLISH`). Returns the number of receivers. */
  spublish(channel: Uint8Array, message: Uint8Array): number {
    const set = this.shardChannels.get(latin1(channel));
    if (!set) return 0;
    for (const c of set) {
      if (c.closed) continue;
      c.out.push(3);
      c.out.bulkLatin1("smessage");
      c.out.bulk(channel);
      c.out.bulk(message);
      deliver(c);
    }
    return set.size;
  }

  /** Drops every subscription of a client (on disconnect or RESET). */
  removeClient(c: Client): void {
    for (const ch of [...c.channels]) this.unsubscribe(c, ch);
    for (const ch of [...c.shardChannels]) this.unsubscribe(c, ch, true);
    for (const p of [...c.patterns]) this.punsubscribe(c, p);
  }
}

/** Enforces the output buffer limit after a delivery, or flushes soon. */
function deliver(c: Client): void {
  if (!c.checkOutputLimits()) c.scheduleFlush();
}
