/**
 * The command table: finds a spec from the raw name bytes without
 * allocating (case-insensitive), resolves subcommands, computes key
 * positions and derives ACL categories.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";
import { commandKeys } from "./key_specs.ts";
import { lowerAscii } from "../util/bytes.ts";

const BUCKETS = 1024;

function fold(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

function bucketOf(bytes: Uint8Array): number {
  const n = bytes.length;
  if (n === 0) return 0;
  return (n * 131 + fold(bytes[0]) * 7 + fold(bytes[n - 1])) & (BUCKETS - 1);
}

interface Entry {
  name: Uint8Array;
  spec: CommandSpec;
}

/** Full name of a (sub)command as Redis shows it: `get`, `config|get`. */
export function fullName(spec: CommandSpec, parent?: CommandSpec): string {
  return parent ? `${parent.name}|${spec.name}` : spec.name;
}

/** A lookup table of command specs. */
export class CommandTable {
  private readonly buckets: Entry[][] = Array.from({ length: BUCKETS }, () => []);
  private readonly byName = new Map<string, CommandSpec>();
  /** Parent of each subcommand spec. */
  private readonly parents = new Map<CommandSpec, CommandSpec>();
  /** {@link all}, computed once (until a rename). */
  private sorted: readonly CommandSpec[] | null = null;

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) this.add(spec.name, spec);
  }

  private add(name: string, spec: CommandSpec): void {
    if (this.byName.has(name)) throw new Error(`Command ${name} declared twice`);
    this.byName.set(name, spec);
    const bytes = new Uint8Array([...name].map((ch) => ch.charCodeAt(0)));
    this.buckets[bucketOf(bytes)].push({ name: bytes, spec });
    for (const sub of spec.subcommands ?? []) this.parents.set(sub, spec);
  }

  /** Finds a command by its name as sent (any case). */
  lookup(nameBytes: Uint8Array): CommandSpec | undefined {
    const bucket = this.buckets[bucketOf(nameBytes)];
    const n = nameBytes.length;
    outer: for (let i = 0; i < bucket.length; i++) {
      const entry = bucket[i];
      const name = entry.name;
      if (name.length !== n) continue;
      for (let j = 0; j < n; j++) if (fold(nameBytes[j]) !== name[j]) continue outer;
      return entry.spec;
    }
    return undefined;
  }

  /** Finds a command by lower-case name. */
  get(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  /** Finds a subcommand of a container by the bytes sent. */
  subcommand(container: CommandSpec, nameBytes: Uint8Array): CommandSpec | undefined {
    const name = lowerAscii(nameBytes);
    return container.subcommands?.find((s) => s.name === name);
  }

  /** The container of a subcommand, if it is one. */
  parentOf(spec: CommandSpec): CommandSpec | undefined {
    return this.parents.get(spec);
  }

  /**
   * Every top-level command, sorted by name. The same array is returned
   * until a rename changes the table, so callers may cache what they derive
   * from it.
   */
  all(): readonly CommandSpec[] {
    this.sorted ??= [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return this.sorted;
  }

  /** Number of top-level commands. */
  get size(): number {
    return this.byName.size;
  }

  /**
   * Renames a command (`rename-command`): it answers only to the new name;
   * an empty new name disables it. Returns false when it does not exist.
   */
  rename(oldName: string, newName: string): boolean {
    const spec = this.byName.get(oldName.toLowerCase());
    if (!spec) return false;
    this.sorted = null;
    this.byName.delete(oldName.toLowerCase());
    for (const bucket of this.buckets) {
      const i = bucket.findIndex((e) => e.spec === spec);
      if (i >= 0) bucket.splice(i, 1);
    }
    if (newName !== "") {
      const lower = newName.toLowerCase();
      this.byName.set(lower, spec);
      const bytes = new Uint8Array([...lower].map((ch) => ch.charCodeAt(0)));
      this.buckets[bucketOf(bytes)].push({ name: bytes, spec });
    }
    return true;
  }
}

/**
 * Key argument positions of a command call, as `COMMAND GETKEYS` finds
 * them (key specs, else the command's key finder).
 */
export function keyPositions(spec: CommandSpec, argv: Uint8Array[]): number[] {
  return commandKeys(spec, argv).map((k) => k.pos);
}

/** Redis's ACL categories in the order `COMMAND INFO` lists them. */
const CATEGORY_ORDER = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

const GROUP_CATEGORY: Record<string, string> = {
  generic: "keyspace",
  string: "string",
  list: "list",
  set: "set",
  "sorted-set": "sortedset",
  hash: "hash",
  transactions: "transaction",
  connection: "connection",
  scripting: "scripting",
  hyperloglog: "hyperloglog",
  geo: "geo",
  stream: "stream",
  bitmap: "bitmap",
};

/**
 * ACL categories of a command: those it declares (by default its group's
 * category; containers of subcommands have none, and `@pubsub` comes from
 * the `pubsub` flag only, as in Redis), plus those implied by its flags as
 * in Redis's `setImplicitACLCategories` (write, read, admin+dangerous,
 * pubsub, fast or slow, blocking).
 */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>(spec.aclCategories ?? []);
  const group = spec.subcommands ? undefined : GROUP_CATEGORY[spec.group];
  if (spec.aclCategories === undefined && group) cats.add(group);
  const flags = spec.flags;
  if (flags.includes("write")) cats.add("write");
  if (flags.includes("readonly") && !cats.has("scripting")) cats.add("read");
  if (flags.includes("admin")) cats.add("admin").add("dangerous");
  if (flags.includes("pubsub")) cats.add("pubsub");
  if (flags.includes("fast")) cats.add("fast");
  if (flags.includes("blocking")) cats.add("blocking");
  if (!flags.includes("fast")) cats.add("slow");
  return CATEGORY_ORDER.filter((c) => cats.has(c));
}
