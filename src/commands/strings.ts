/**
 * String commands.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { TYPE_STRING } from "../store/database.ts";
import { command, type CommandSpec, KEY1 } from "./spec.ts";
import { lookupRead, NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from "./util.ts";
import { isKeyword, utf8 } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";
import { NOTIFY_GENERIC, NOTIFY_STRING } from "../server/notify_flags.ts";

const PXAT = utf8("PXAT");
const SET = utf8("SET");

/**
 * Writes a key's string value as a bulk reply, nil when missing. Returns
 * false after writing WRONGTYPE (GET on a non-string).
 */
function replyString(c: Client, key: Uint8Array): boolean {
  const id = lookupRead(c, key);
  if (id < 0) {
    c.out.nullBulk();
    return true;
  }
  const db = c.db;
  if (db.typeOf(id) !== TYPE_STRING) {
    c.out.error(WRONGTYPE);
    return false;
  }
  const source = db.stringSource(id);
  c.out.bulkSlice(source, db.lastOffset, db.lastLength);
  return true;
}

/** Options of the SET family. */
interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  /** Absolute expiry in ms, 0 for none. */
  expireAt: number;
  /** True when the expiry was given relative (EX/PX/EXAT) and must be logged as PXAT. */
  rewriteExpire: boolean;
}

/**
 * Turns an expire argument into an absolute time in ms, with Redis's
 * validation. `unit` is 1000 for seconds; `relative` for EX/PX. Writes the
 * error and returns null when invalid.
 */
export function expireArgument(
  c: Client,
  arg: Uint8Array,
  unit: number,
  relative: boolean,
  commandName: string,
): number | null {
  const n = parseInteger(arg);
  if (Number.isNaN(n)) {
    c.out.error(NOT_INTEGER);
    return null;
  }
  const invalid = `ERR invalid expire time in '${commandName}' command`;
  if (n <= 0 || (unit === 1000 && n > 9223372036854775807 / 1000)) {
    c.out.error(invalid);
    return null;
  }
  let ms = n * unit;
  if (relative) ms += c.server.keyspace.now;
  if (ms > 9223372036854775807) {
    c.out.error(invalid);
    return null;
  }
  return ms;
}

/** Stores a string with the SET family's semantics and replies. */
function setGeneric(
  c: Client,
  key: Uint8Array,
  value: Uint8Array,
  opts: SetOptions,
  argv: Uint8Array[],
): void {
  const db = c.db;
  if (opts.get && !replyString(c, key)) return;
  const found = db.find(key) >= 0;
  if ((opts.nx && found) || (opts.xx && !found)) {
    if (!opts.get) c.out.nullBulk();
    return;
  }
  const id = db.setString(key, value, opts.keepTtl);
  c.server.wrote(db, key, NOTIFY_STRING, "set");
  if (opts.expireAt !== 0) {
    db.setExpire(id, opts.expireAt);
    c.server.notify(NOTIFY_GENERIC, "expire", key, db.index);
    if (opts.rewriteExpire) {
      c.propagateOverride = [[SET, key, value, PXAT, utf8(String(opts.expireAt))]];
    }
  }
  if (opts.get && opts.expireAt === 0) {
    c.propagateOverride = [argv.filter((a, i) => i < 3 || !isKeyword(a, "get"))];
  }
  if (!opts.get) c.out.ok();
}

function set(c: Client, argv: Uint8Array[]): void {
  const opts: SetOptions = {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    expireAt: 0,
    rewriteExpire: false,
  };
  let expireArg: Uint8Array | null = null;
  let unit = 1;
  let relative = false;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    const hasNext = i + 1 < argv.length;
    if (isKeyword(a, "nx") && !opts.xx) opts.nx = true;
    else if (isKeyword(a, "xx") && !opts.nx) opts.xx = true;
    else if (isKeyword(a, "get")) opts.get = true;
    else if (isKeyword(a, "keepttl") && expireArg === null) opts.keepTtl = true;
    else if (
      expireArg === null && !opts.keepTtl && hasNext &&
      (isKeyword(a, "ex") || isKeyword(a, "px") || isKeyword(a, "exat") || isKeyword(a, "pxat"))
    ) {
      unit = isKeyword(a, "ex") || isKeyword(a, "exat") ? 1000 : 1;
      relative = isKeyword(a, "ex") || isKeyword(a, "px");
      opts.rewriteExpire = !isKeyword(a, "pxat");
      expireArg = argv[++i];
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  if (expireArg !== null) {
    const at = expireArgument(c, expireArg, unit, relative, "set");
    if (at === null) return;
    opts.expireAt = at;
  }
  setGeneric(c, argv[1], argv[2], opts, argv);
}

function setex(c: Client, argv: Uint8Array[], unit: number, name: string): void {
  const at = expireArgument(c, argv[2], unit, true, name);
  if (at === null) return;
  setGeneric(c, argv[1], argv[3], {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    expireAt: at,
    rewriteExpire: true,
  }, argv);
}

function setnx(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  if (db.find(argv[1]) >= 0) {
    c.out.integer(0);
    return;
  }
  db.setString(argv[1], argv[2]);
  c.server.wrote(db, argv[1], NOTIFY_STRING, "set");
  c.out.integer(1);
}

/** String command specs. */
export const STRING_COMMANDS: CommandSpec[] = [
  command({
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    ...KEY1,
    group: "string",
    since: "1.0.0",
    summary: "Returns the string value of a key.",
    syntax: "key",
    handler: (c, argv) => void replyString(c, argv[1]),
  }),
  command({
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    ...KEY1,
    group: "string",
    since: "1.0.0",
    summary:
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    complexity: "O(1)",
    syntax:
      "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
    handler: set,
  }),
  command({
    name: "setnx",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    ...KEY1,
    group: "string",
    since: "1.0.0",
    summary: "Set the string value of a key only when the key doesn't exist.",
    syntax: "key value",
    handler: setnx,
  }),
  command({
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    ...KEY1,
    group: "string",
    since: "2.0.0",
    summary:
      "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
    syntax: "key seconds value",
    handler: (c, argv) => setex(c, argv, 1000, "setex"),
  }),
  command({
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    ...KEY1,
    group: "string",
    since: "2.6.0",
    summary:
      "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
    syntax: "key milliseconds value",
    handler: (c, argv) => setex(c, argv, 1, "psetex"),
  }),
];
