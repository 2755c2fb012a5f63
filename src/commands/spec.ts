/**
 * The declarative command specification. One {@link CommandSpec} per
 * command drives dispatch, arity errors, key extraction and `COMMAND`
 * introspection, so they can never disagree.
 *
 * A family file declares each command once with {@link command}: the facts
 * Redis reports about it (flags, key specifications, tips, documentation,
 * argument tree) in compact notations that are parsed and checked when the
 * module loads, so a mistake in a declaration fails every test at once.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { type CommandArg, parseSyntax, renderUsage } from "./syntax.ts";
import { type KeySpec, legacyKeyRange, parseKeySpec } from "./key_specs.ts";

export type { CommandArg } from "./syntax.ts";
export type { KeySpec } from "./key_specs.ts";

/**
 * Command flags with Redis 7's names (as `COMMAND INFO` reports them).
 * `movablekeys` is not declared: it follows from the key specifications.
 * `may_replicate` is never shown by `COMMAND INFO` (Redis hides it too).
 */
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
  | "no_async_loading"
  | "no_multi"
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

/** Documentation flags (`doc_flags` of `COMMAND DOCS`). */
export type DocFlag = "deprecated" | "syscmd";

/**
 * Executes a command. Handlers are synchronous: they read `argv` (borrowed
 * views, see resp/parser.ts), touch the keyspace and append the reply to
 * `c.out`. User errors are replies, never exceptions.
 */
export type Handler = (c: Client, argv: Uint8Array[]) => void;

/** One key found in a command call: its argument index and key-spec flags (`KEY_*` bits). */
export interface KeyRef {
  pos: number;
  flags: number;
}

/**
 * A command's own key-finding procedure, for what its key specifications
 * cannot tell: keys found by parsing options (SORT ... STORE), flags that
 * depend on the arguments (SET ... GET), and malformed key counts that the
 * key specs reject. Returns no keys when the call cannot be a valid one.
 */
export type KeyFinder = (argv: Uint8Array[]) => KeyRef[];

/**
 * A key specification in the compact notation (see key_specs.ts):
 * `"RW access delete index:1 keynum:0:1:1"`, or with Redis's explanatory
 * note `{ spec: "...", notes: "..." }`.
 */
export type KeySpecDecl = string | { spec: string; notes: string };

/** A command as a family file declares it (the input of {@link command}). */
export interface CommandDecl {
  /** Lower-case name (`get`; for a subcommand just its own part, `list`). */
  name: string;
  /** Redis arity: exact argument count including the name, or -N for "at least N". */
  arity: number;
  /** Flags (`COMMAND INFO` lists them in Redis's fixed order, whatever the order here). */
  flags: CommandFlag[];
  /**
   * Key specifications, in Redis's order (arguments refer to them by index).
   * The legacy first/last/step triple and the `movablekeys` flag are derived
   * from them as Redis derives them.
   */
  keySpecs?: KeySpecDecl[];
  /** Redis's key-finding procedure, for commands that have one (see {@link KeyFinder}). */
  keys?: KeyFinder;
  /** Group for `COMMAND DOCS` and `HELP`. */
  group: CommandGroup;
  /** Redis version that introduced the command. */
  since: string;
  /** One-line summary, as Redis 7.0 words it. */
  summary: string;
  /** Time complexity, as documented (absent when Redis documents none). */
  complexity?: string;
  /** `doc_flags`. */
  docFlags?: DocFlag[];
  /** The version that deprecated the command. */
  deprecatedSince?: string;
  /** What replaces a deprecated command (Redis's markdown text). */
  replacedBy?: string;
  /** Changes by version: `[["6.2.0", "Added the `GET` option."]]`. */
  history?: [version: string, change: string][];
  /**
   * Command tips: `nondeterministic_output`, `nondeterministic_output_order`,
   * `request_policy:<policy>`, `response_policy:<policy>`.
   */
  tips?: string[];
  /**
   * The argument tree in Redis's documented syntax with annotations, e.g.
   * `key value [NX | XX]{condition 2.6.12} [GET]{6.2.0}`. See syntax.ts for
   * the notation. It gives `COMMAND DOCS` its `arguments` and `HELP` its usage.
   */
  syntax?: string;
  /**
   * ACL categories (without `@`) beyond those the flags imply (`write`,
   * `read`, `fast`/`slow`, `admin`, `dangerous`, `pubsub`, `blocking`).
   * Default: the group's category (`generic` → `keyspace`, `sorted-set` →
   * `sortedset`...; none for `server`, `pubsub` and containers).
   */
  aclCategories?: string[];
  /** The implementation (absent on containers that only hold subcommands). */
  handler?: Handler;
  /** Subcommands (`CONFIG GET`, `CLIENT LIST`...). */
  subcommands?: CommandSpec[];
}

/** A declared command with everything derived from its declaration. */
export interface CommandSpec extends Omit<CommandDecl, "keySpecs"> {
  /** Parsed key specifications. */
  readonly keySpecs: readonly KeySpec[];
  /** Index of the first key argument of the legacy range (0 = none). */
  readonly firstKey: number;
  /** Last key of the legacy range (negative: counted from the end, -1 = last argument). */
  readonly lastKey: number;
  /** Step of the legacy range. */
  readonly step: number;
  /** True when the keys are not all in the legacy range (`movablekeys`). */
  readonly movableKeys: boolean;
  /**
   * The legacy range can name several keys (MSET, MGET, DEL...): the
   * dispatcher warms the cache for all of them before the handler runs.
   */
  readonly multiKey: boolean;
  /** The argument tree `COMMAND DOCS` reports. */
  readonly args: readonly CommandArg[];
  /** The usage line after the name (`key value [NX | XX] ...`), rendered from {@link args}. */
  readonly usage: string;
}

/** Every property of `T`, optional ones included (their values may still be undefined). */
type AllFields<T> = { [K in keyof Required<T>]: T[K] };

/**
 * Builds a spec from its declaration: parses the key specifications and
 * the syntax (throwing on a malformed declaration), derives the legacy key
 * range and `movablekeys`, and renders the usage line.
 */
export function command(decl: CommandDecl): CommandSpec {
  const { keySpecs: declared, ...rest } = decl;
  let keySpecs: KeySpec[];
  let args: CommandArg[];
  try {
    keySpecs = (declared ?? []).map((d) =>
      typeof d === "string" ? parseKeySpec(d) : { ...parseKeySpec(d.spec), notes: d.notes }
    );
    args = decl.syntax === undefined ? [] : parseSyntax(decl.syntax, keySpecs.length);
  } catch (e) {
    throw new Error(`${decl.name}: ${(e as Error).message}`);
  }
  const range = legacyKeyRange(keySpecs);
  // Every spec gets every field, in one order, so all specs share one
  // hidden class: the dispatcher reads `spec.handler`, `spec.flags` and the
  // rest for every command, and with a shape per declaration (a spread
  // keeps only the fields a declaration has) those reads go megamorphic
  // as soon as a client mixes commands.
  const fields: AllFields<Omit<CommandDecl, "keySpecs">> = {
    name: rest.name,
    arity: rest.arity,
    flags: rest.flags,
    keys: rest.keys,
    group: rest.group,
    since: rest.since,
    summary: rest.summary,
    complexity: rest.complexity,
    docFlags: rest.docFlags,
    deprecatedSince: rest.deprecatedSince,
    replacedBy: rest.replacedBy,
    history: rest.history,
    tips: rest.tips,
    syntax: rest.syntax,
    aclCategories: rest.aclCategories,
    handler: rest.handler,
    subcommands: rest.subcommands,
  };
  return {
    ...fields,
    keySpecs,
    firstKey: range.firstKey,
    lastKey: range.lastKey,
    step: range.step,
    movableKeys: range.movable,
    multiKey: range.firstKey > 0 && (range.lastKey < 0 || range.lastKey > range.firstKey),
    args,
    usage: renderUsage(args),
  };
}
