/**
 * Generic key commands.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { ALL_KEYS, command, type CommandSpec, KEY1 } from "./spec.ts";
import { lookupRead } from "./util.ts";
import { NOTIFY_GENERIC } from "../server/notify_flags.ts";
import { TYPE_NAMES } from "../store/database.ts";

function del(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    if (db.delete(argv[i])) {
      c.server.wrote(db, argv[i], NOTIFY_GENERIC, "del");
      deleted++;
    }
  }
  c.out.integer(deleted);
}

function exists(c: Client, argv: Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupRead(c, argv[i]) >= 0) n++;
  c.out.integer(n);
}

function type(c: Client, argv: Uint8Array[]): void {
  const id = lookupRead(c, argv[1]);
  c.out.simple(id < 0 ? "none" : TYPE_NAMES[c.db.typeOf(id)]);
}

/** Key command specs. */
export const KEY_COMMANDS: CommandSpec[] = [
  command({
    name: "del",
    arity: -2,
    flags: ["write"],
    ...ALL_KEYS,
    group: "generic",
    since: "1.0.0",
    summary: "Deletes one or more keys.",
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    syntax: "key [key ...]",
    handler: del,
  }),
  command({
    name: "exists",
    arity: -2,
    flags: ["readonly", "fast"],
    ...ALL_KEYS,
    group: "generic",
    since: "1.0.0",
    summary: "Determines whether one or more keys exist.",
    complexity: "O(N) where N is the number of keys to check.",
    syntax: "key [key ...]",
    handler: exists,
  }),
  command({
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    ...KEY1,
    group: "generic",
    since: "1.0.0",
    summary: "Determines the type of value stored at a key.",
    syntax: "key",
    handler: type,
  }),
];
