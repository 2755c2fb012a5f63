/**
 * Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * PUBLISH, the PUBSUB introspection family, and the shard variants
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH (which, outside a cluster, behave like
 * their plain counterparts on a separate set of channels).
 *
 * Confirmations are pushes: `*3` arrays in RESP2, `>3` in RESP3. Their
 * count is the client's channels plus patterns for the plain and pattern
 * commands, and its shard channels for the shard ones.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { globMatch } from "../util/glob.ts";
import { command, type CommandSpec } from "./spec.ts";
import { helpReply } from "./util.ts";
import { latin1, latin1Bytes } from "../util/bytes.ts";

/** Which family a subscription command belongs to. */
interface Kind {
  subscribe: string;
  unsubscribe: string;
  /** The client's subscriptions of this family (latin1 names). */
  own(c: Client): Set<string>;
  /** The count reported in confirmations. */
  count(c: Client): number;
  add(c: Client, name: string): void;
  remove(c: Client, name: string): void;
}

const CHANNELS: Kind = {
  subscribe: "subscribe",
  unsubscribe: "unsubscribe",
  own: (c) => c.channels,
  count: (c) => c.subscriptionCount,
  add: (c, name) => c.server.pubsub.subscribe(c, name),
  remove: (c, name) => c.server.pubsub.unsubscribe(c, name),
};

const PATTERNS: Kind = {
  subscribe: "psubscribe",
  unsubscribe: "punsubscribe",
  own: (c) => c.patterns,
  count: (c) => c.subscriptionCount,
  add: (c, name) => c.server.pubsub.psubscribe(c, name),
  remove: (c, name) => c.server.pubsub.punsubscribe(c, name),
};

const SHARD_CHANNELS: Kind = {
  subscribe: "ssubscribe",
  unsubscribe: "sunsubscribe",
  own: (c) => c.shardChannels,
  count: (c) => c.shardChannels.size,
  add: (c, name) => c.server.pubsub.subscribe(c, name, true),
  remove: (c, name) => c.server.pubsub.unsubscribe(c, name, true),
};

/** `[kind, name or nil, count]` as a push. */
function confirm(c: Client, what: string, name: string | null, count: number): void {
  const out = c.out;
  out.push(3);
  out.bulkLatin1(what);
  if (name === null) out.nullBulk();
  else out.bulkLatin1(name);
  out.integer(count);
}

function subscribeTo(kind: Kind, c: Client, argv: Uint8Array[]): void {
  for (let i = 1; i < argv.length; i++) {
    const name = latin1(argv[i]);
    kind.add(c, name);
    confirm(c, kind.subscribe, name, kind.count(c));
  }
}

function unsubscribeFrom(kind: Kind, c: Client, argv: Uint8Array[]): void {
  if (argv.length > 1) {
    for (let i = 1; i < argv.length; i++) {
      const name = latin1(argv[i]);
      kind.remove(c, name);
      confirm(c, kind.unsubscribe, name, kind.count(c));
    }
    return;
  }
  const own = kind.own(c);
  if (own.size === 0) {
    confirm(c, kind.unsubscribe, null, kind.count(c));
    return;
  }
  for (const name of [...own]) {
    kind.remove(c, name);
    confirm(c, kind.unsubscribe, name, kind.count(c));
  }
}

function ssubscribe(c: Client, argv: Uint8Array[]): void {
  // Redis refuses it to clients that must get one reply per command; of
  // those, only EXEC exists here (SUBSCRIBE and PSUBSCRIBE are let through
  // inside transactions for backward compatibility).
  if (c.inExec) {
    c.out.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  subscribeTo(SHARD_CHANNELS, c, argv);
}

/** `PUBSUB CHANNELS|SHARDCHANNELS [pattern]`: active channels, optionally filtered. */
function listChannels(c: Client, argv: Uint8Array[], registry: Map<string, Set<Client>>): void {
  if (argv.length > 3) {
    c.out.error(
      `ERR unknown subcommand or wrong number of arguments for '${
        latin1(argv[1]).slice(0, 128)
      }'. Try ${latin1(argv[0]).toUpperCase()} HELP.`,
    );
    return;
  }
  const pattern = argv.length === 3 ? argv[2] : null;
  const names: string[] = [];
  for (const name of registry.keys()) {
    if (pattern === null || globMatch(pattern, latin1Bytes(name))) names.push(name);
  }
  c.out.array(names.length);
  for (const name of names) c.out.bulkLatin1(name);
}

/** `PUBSUB NUMSUB|SHARDNUMSUB [channel ...]`: a flat array of name, count pairs. */
function countSubscribers(
  c: Client,
  argv: Uint8Array[],
  registry: Map<string, Set<Client>>,
): void {
  c.out.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.out.bulk(argv[i]);
    c.out.integer(registry.get(latin1(argv[i]))?.size ?? 0);
  }
}

const PUBSUB_HELP = [
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
];

const SUBSCRIBING = ["pubsub", "noscript", "loading", "stale"] as const;
const INTROSPECTING = ["pubsub", "loading", "stale"] as const;

/** Pub/Sub command specs. */
export const PUBSUB_COMMANDS: CommandSpec[] = [
  command({
    name: "subscribe",
    arity: -2,
    flags: [...SUBSCRIBING],
    group: "pubsub",
    since: "2.0.0",
    summary: "Listen for messages published to the given channels",
    complexity: "O(N) where N is the number of channels to subscribe to.",
    syntax: "channel [channel ...]",
    handler: (c, argv) => subscribeTo(CHANNELS, c, argv),
  }),
  command({
    name: "unsubscribe",
    arity: -1,
    flags: [...SUBSCRIBING],
    group: "pubsub",
    since: "2.0.0",
    summary: "Stop listening for messages posted to the given channels",
    complexity: "O(N) where N is the number of clients already subscribed to a channel.",
    syntax: "[channel [channel ...]]",
    handler: (c, argv) => unsubscribeFrom(CHANNELS, c, argv),
  }),
  command({
    name: "psubscribe",
    arity: -2,
    flags: [...SUBSCRIBING],
    group: "pubsub",
    since: "2.0.0",
    summary: "Listen for messages published to channels matching the given patterns",
    complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
    syntax: "pattern [pattern ...]{block}",
    handler: (c, argv) => subscribeTo(PATTERNS, c, argv),
  }),
  command({
    name: "punsubscribe",
    arity: -1,
    flags: [...SUBSCRIBING],
    group: "pubsub",
    since: "2.0.0",
    summary: "Stop listening for messages posted to channels matching the given patterns",
    complexity:
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    syntax: "[pattern [pattern ...]]",
    handler: (c, argv) => unsubscribeFrom(PATTERNS, c, argv),
  }),
  command({
    name: "publish",
    arity: 3,
    flags: [...INTROSPECTING, "fast"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Post a message to a channel",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    syntax: "channel message",
    handler: (c, argv) => c.out.integer(c.server.pubsub.publish(argv[1], argv[2])),
  }),
  command({
    name: "ssubscribe",
    arity: -2,
    flags: [...SUBSCRIBING],
    keySpecs: ["not_key range:-1"],
    group: "pubsub",
    since: "7.0.0",
    summary: "Listen for messages published to the given shard channels",
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    syntax: "shardchannel [shardchannel ...]",
    handler: ssubscribe,
  }),
  command({
    name: "sunsubscribe",
    arity: -1,
    flags: [...SUBSCRIBING],
    keySpecs: ["not_key range:-1"],
    group: "pubsub",
    since: "7.0.0",
    summary: "Stop listening for messages posted to the given shard channels",
    complexity: "O(N) where N is the number of clients already subscribed to a shard channel.",
    syntax: "[shardchannel [shardchannel ...]]",
    handler: (c, argv) => unsubscribeFrom(SHARD_CHANNELS, c, argv),
  }),
  command({
    name: "spublish",
    arity: 3,
    flags: [...INTROSPECTING, "fast"],
    keySpecs: ["not_key"],
    group: "pubsub",
    since: "7.0.0",
    summary: "Post a message to a shard channel",
    complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    syntax: "shardchannel message",
    handler: (c, argv) => c.out.integer(c.server.pubsub.spublish(argv[1], argv[2])),
  }),
  command({
    name: "pubsub",
    arity: -2,
    flags: [],
    group: "pubsub",
    since: "2.8.0",
    summary: "A container for Pub/Sub commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        name: "channels",
        arity: -2,
        flags: [...INTROSPECTING],
        group: "pubsub",
        since: "2.8.0",
        summary: "List active channels",
        complexity:
          "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        syntax: "[pattern]",
        handler: (c, argv) => listChannels(c, argv, c.server.pubsub.channels),
      }),
      command({
        name: "numsub",
        arity: -2,
        flags: [...INTROSPECTING],
        group: "pubsub",
        since: "2.8.0",
        summary: "Get the count of subscribers for channels",
        complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        syntax: "[channel [channel ...]]",
        handler: (c, argv) => countSubscribers(c, argv, c.server.pubsub.channels),
      }),
      command({
        name: "numpat",
        arity: 2,
        flags: [...INTROSPECTING],
        group: "pubsub",
        since: "2.8.0",
        summary: "Get the count of unique patterns pattern subscriptions",
        complexity: "O(1)",
        handler: (c) => c.out.integer(c.server.pubsub.patternCount),
      }),
      command({
        name: "shardchannels",
        arity: -2,
        flags: [...INTROSPECTING],
        group: "pubsub",
        since: "7.0.0",
        summary: "List active shard channels",
        complexity:
          "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
        syntax: "[pattern]",
        handler: (c, argv) => listChannels(c, argv, c.server.pubsub.shardChannels),
      }),
      command({
        name: "shardnumsub",
        arity: -2,
        flags: [...INTROSPECTING],
        group: "pubsub",
        since: "7.0.0",
        summary: "Get the count of subscribers for shard channels",
        complexity:
          "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        syntax: "[shardchannel [shardchannel ...]]",
        handler: (c, argv) => countSubscribers(c, argv, c.server.pubsub.shardChannels),
      }),
      command({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "pubsub",
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) => helpReply(c, "PUBSUB", PUBSUB_HELP),
      }),
    ],
  }),
];
