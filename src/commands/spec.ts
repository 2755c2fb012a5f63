/**
 * The declarative command specification. One {@link CommandSpec} per
 * command drives dispatch, arity errors, key extraction and `COMMAND`
 * introspection, so they can never disagree.
 *
 * @module
 */

import type { Client } from "../server/client.ts";

/** Command flags with Redis 7's names (as `COMMAND INFO` reports them). */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "asking"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "no_mandatory_keys"
  | "no_multi"
  | "movablekeys"
  | "allow_busy";

/** Command groups as `COMMAND DOCS` reports them. */
export type CommandGroup =
  | "generic"
  | "string"
  | "list"
  | "set"
  | "sorted-set"
  | "hash"
  | "pubsub"
  | "transactions"
  | "connection"
  | "server"
  | "scripting"
  | "hyperloglog"
  | "cluster"
  | "geo"
  | "stream"
  | "bitmap";

/**
 * Executes a command. Handlers are synchronous: they read `argv` (borrowed
 * views, see resp/parser.ts), touch the keyspace and append the reply to
 * `c.out`. User errors are replies, never exceptions.
 */
export type Handler = (c: Client, argv: Uint8Array[]) => void;

/** Positions of key arguments for commands whose keys move (`ZUNION numkeys ...`). */
export type KeyFinder = (argv: Uint8Array[]) => number[];

/** The declaration of one command or subcommand. */
export interface CommandSpec {
  /** Lower-case name (`get`; for a subcommand just its own part, `list`). */
  name: string;
  /** Redis arity: exact argument count including the name, or -N for "at least N". */
  arity: number;
  /** Flags. */
  flags: CommandFlag[];
  /** Index of the first key argument (0 = no keys). */
  firstKey: number;
  /** Index of the last key argument (-1 = last argument, -2 = one before...). */
  lastKey: number;
  /** Step between keys. */
  step: number;
  /** Group for `COMMAND DOCS` and `HELP`. */
  group: CommandGroup;
  /** Redis version that introduced the command. */
  since: string;
  /** One-line summary. */
  summary: string;
  /** Time complexity, as documented. */
  complexity?: string;
  /**
   * Argument syntax as Redis documents it, e.g.
   * `key value [NX | XX] [GET] [EX seconds | PX milliseconds | KEEPTTL]`.
   * Rendered in `HELP` and parsed into `COMMAND DOCS` arguments.
   */
  syntax?: string;
  /** Extra ACL categories beyond those derived from flags and group. */
  aclCategories?: string[];
  /** Key positions for commands with movable keys. */
  keys?: KeyFinder;
  /** The implementation (absent on containers that only hold subcommands). */
  handler?: Handler;
  /** Subcommands (`CONFIG GET`, `CLIENT LIST`...). */
  subcommands?: CommandSpec[];
}

/** Builds a spec with sensible defaults for the optional fields. */
export function command(
  spec: Omit<CommandSpec, "firstKey" | "lastKey" | "step"> & {
    firstKey?: number;
    lastKey?: number;
    step?: number;
  },
): CommandSpec {
  return { firstKey: 0, lastKey: 0, step: 0, ...spec };
}

/** Shorthand for a command whose only key is argument 1 (`GET key`). */
export const KEY1 = { firstKey: 1, lastKey: 1, step: 1 } as const;
/** Shorthand for commands whose arguments from 1 on are all keys (`DEL key...`). */
export const ALL_KEYS = { firstKey: 1, lastKey: -1, step: 1 } as const;
