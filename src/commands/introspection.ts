/**
 * `COMMAND` and its subcommands, rendered from the spec table so that
 * introspection always matches what dispatch does. Each command's
 * `COMMAND INFO` and `COMMAND DOCS` entries are rendered once per protocol
 * and kept as bytes: clients call `COMMAND` on connect, and it then costs a
 * copy of ready-made bytes.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { ReplyWriter } from "../resp/writer.ts";
import { command, type CommandArg, type CommandFlag, type CommandSpec } from "./spec.ts";
import { commandKeys, hasKeys, keyFlagNames, type KeySpec } from "./key_specs.ts";
import { aclCategories, fullName } from "./table.ts";
import { helpReply, SYNTAX_ERROR } from "./util.ts";
import { globMatch } from "../util/glob.ts";
import { isKeyword, latin1, latin1Bytes, lowerAscii } from "../util/bytes.ts";

/** Command flags in the order `COMMAND INFO` lists them (`may_replicate` is never shown). */
const FLAG_ORDER: readonly (CommandFlag | "movablekeys")[] = [
  "write",
  "readonly",
  "denyoom",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

function infoFlags(spec: CommandSpec): string[] {
  return FLAG_ORDER.filter((f) =>
    f === "movablekeys" ? spec.movableKeys : spec.flags.includes(f as CommandFlag)
  );
}

function writeSimpleSet(out: ReplyWriter, items: readonly string[]): void {
  out.set(items.length);
  for (const item of items) out.simple(item);
}

function writeKeySpec(out: ReplyWriter, ks: KeySpec): void {
  out.map(ks.notes === undefined ? 3 : 4);
  if (ks.notes !== undefined) {
    out.bulkLatin1("notes");
    out.bulkLatin1(ks.notes);
  }
  out.bulkLatin1("flags");
  writeSimpleSet(out, keyFlagNames(ks.flags));
  out.bulkLatin1("begin_search");
  out.map(2);
  out.bulkLatin1("type");
  const begin = ks.begin;
  out.bulkLatin1(begin.type);
  out.bulkLatin1("spec");
  if (begin.type === "index") {
    out.map(1);
    out.bulkLatin1("index");
    out.integer(begin.index);
  } else if (begin.type === "keyword") {
    out.map(2);
    out.bulkLatin1("keyword");
    out.bulkLatin1(begin.keyword);
    out.bulkLatin1("startfrom");
    out.integer(begin.startFrom);
  } else {
    out.map(0);
  }
  out.bulkLatin1("find_keys");
  out.map(2);
  out.bulkLatin1("type");
  const find = ks.find;
  out.bulkLatin1(find.type);
  out.bulkLatin1("spec");
  if (find.type === "range") {
    out.map(3);
    out.bulkLatin1("lastkey");
    out.integer(find.lastKey);
    out.bulkLatin1("keystep");
    out.integer(find.keyStep);
    out.bulkLatin1("limit");
    out.integer(find.limit);
  } else if (find.type === "keynum") {
    out.map(3);
    out.bulkLatin1("keynumidx");
    out.integer(find.keyNumIndex);
    out.bulkLatin1("firstkey");
    out.integer(find.firstKey);
    out.bulkLatin1("keystep");
    out.integer(find.keyStep);
  } else {
    out.map(0);
  }
}

/** One `COMMAND INFO` entry (Redis 7's ten fields). */
function writeInfo(out: ReplyWriter, spec: CommandSpec, parent?: CommandSpec): void {
  out.array(10);
  out.bulkLatin1(fullName(spec, parent));
  out.integer(spec.arity);
  writeSimpleSet(out, infoFlags(spec));
  out.integer(spec.firstKey);
  out.integer(spec.lastKey);
  out.integer(spec.step);
  writeSimpleSet(out, aclCategories(spec).map((cat) => "@" + cat));
  const tips = spec.tips ?? [];
  out.set(tips.length);
  for (const tip of tips) out.bulkLatin1(tip);
  out.set(spec.keySpecs.length);
  for (const ks of spec.keySpecs) writeKeySpec(out, ks);
  const subs = spec.subcommands ?? [];
  out.set(subs.length);
  for (const sub of subs) writeInfo(out, sub, spec);
}

function writeArgs(out: ReplyWriter, args: readonly CommandArg[]): void {
  out.array(args.length);
  for (const arg of args) {
    const flags: string[] = [];
    if (arg.optional) flags.push("optional");
    if (arg.multiple) flags.push("multiple");
    if (arg.multipleToken) flags.push("multiple_token");
    out.map(
      2 + (arg.keySpecIndex !== undefined ? 1 : 0) + (arg.token !== undefined ? 1 : 0) +
        (arg.since !== undefined ? 1 : 0) + (arg.deprecatedSince !== undefined ? 1 : 0) +
        (flags.length ? 1 : 0) + (arg.arguments ? 1 : 0),
    );
    out.bulkLatin1("name");
    out.bulkLatin1(arg.name);
    out.bulkLatin1("type");
    out.bulkLatin1(arg.type);
    if (arg.keySpecIndex !== undefined) {
      out.bulkLatin1("key_spec_index");
      out.integer(arg.keySpecIndex);
    }
    if (arg.token !== undefined) {
      out.bulkLatin1("token");
      out.bulkLatin1(arg.token);
    }
    if (arg.since !== undefined) {
      out.bulkLatin1("since");
      out.bulkLatin1(arg.since);
    }
    if (arg.deprecatedSince !== undefined) {
      out.bulkLatin1("deprecated_since");
      out.bulkLatin1(arg.deprecatedSince);
    }
    if (flags.length) {
      out.bulkLatin1("flags");
      writeSimpleSet(out, flags);
    }
    if (arg.arguments) {
      out.bulkLatin1("arguments");
      writeArgs(out, arg.arguments);
    }
  }
}

/** One `COMMAND DOCS` entry: the name, then its map. */
function writeDocs(out: ReplyWriter, spec: CommandSpec, parent?: CommandSpec): void {
  out.bulkLatin1(fullName(spec, parent));
  const subs = spec.subcommands ?? [];
  const optional = [
    spec.complexity,
    spec.docFlags,
    spec.deprecatedSince,
    spec.replacedBy,
    spec.history,
    spec.args.length ? spec.args : undefined,
    subs.length ? subs : undefined,
  ];
  out.map(3 + optional.filter((x) => x !== undefined).length);
  out.bulkLatin1("summary");
  out.bulkLatin1(spec.summary);
  out.bulkLatin1("since");
  out.bulkLatin1(spec.since);
  out.bulkLatin1("group");
  out.bulkLatin1(spec.group);
  if (spec.complexity !== undefined) {
    out.bulkLatin1("complexity");
    out.bulkLatin1(spec.complexity);
  }
  if (spec.docFlags !== undefined) {
    out.bulkLatin1("doc_flags");
    writeSimpleSet(out, spec.docFlags);
  }
  if (spec.deprecatedSince !== undefined) {
    out.bulkLatin1("deprecated_since");
    out.bulkLatin1(spec.deprecatedSince);
  }
  if (spec.replacedBy !== undefined) {
    out.bulkLatin1("replaced_by");
    out.bulkLatin1(spec.replacedBy);
  }
  if (spec.history !== undefined) {
    out.bulkLatin1("history");
    out.set(spec.history.length);
    for (const [version, change] of spec.history) {
      out.array(2);
      out.bulkLatin1(version);
      out.bulkLatin1(change);
    }
  }
  if (spec.args.length) {
    out.bulkLatin1("arguments");
    writeArgs(out, spec.args);
  }
  if (subs.length) {
    out.bulkLatin1("subcommands");
    out.map(subs.length);
    for (const sub of subs) writeDocs(out, sub, spec);
  }
}

type Renderer = (out: ReplyWriter, spec: CommandSpec, parent?: CommandSpec) => void;

/** Rendered entries per spec: `[RESP2, RESP3]`. */
const infoCache = new WeakMap<CommandSpec, [Uint8Array?, Uint8Array?]>();
const docsCache = new WeakMap<CommandSpec, [Uint8Array?, Uint8Array?]>();
/** Whole `COMMAND` / `COMMAND DOCS` replies per command list (see CommandTable.all). */
const allInfoCache = new WeakMap<readonly CommandSpec[], [Uint8Array?, Uint8Array?]>();
const allDocsCache = new WeakMap<readonly CommandSpec[], [Uint8Array?, Uint8Array?]>();

function render(proto: 2 | 3, write: (out: ReplyWriter) => void): Uint8Array {
  const out = new ReplyWriter(4096);
  out.proto = proto;
  write(out);
  return out.buf.slice(0, out.length);
}

function cached<K extends object>(
  cache: WeakMap<K, [Uint8Array?, Uint8Array?]>,
  key: K,
  proto: 2 | 3,
  write: (out: ReplyWriter) => void,
): Uint8Array {
  let entry = cache.get(key);
  if (entry === undefined) cache.set(key, entry = []);
  return entry[proto - 2] ??= render(proto, write);
}

function entryBytes(
  cache: WeakMap<CommandSpec, [Uint8Array?, Uint8Array?]>,
  renderer: Renderer,
  proto: 2 | 3,
  spec: CommandSpec,
  parent?: CommandSpec,
): Uint8Array {
  return cached(cache, spec, proto, (out) => renderer(out, spec, parent));
}

/** `COMMAND` / `COMMAND INFO` with no names: every command's entry. */
function replyAllInfo(c: Client): void {
  const all = c.server.commands.all();
  const proto = c.out.proto;
  c.out.raw(cached(allInfoCache, all, proto, (out) => {
    out.array(all.length);
    for (const spec of all) out.raw(entryBytes(infoCache, writeInfo, proto, spec));
  }));
}

/** Finds a command or `container|sub` by name. */
function findByName(
  server: Server,
  name: string,
): { spec: CommandSpec; parent?: CommandSpec } | null {
  const [top, sub, ...rest] = name.toLowerCase().split("|");
  if (rest.length > 0) return null;
  const spec = server.commands.lookup(latin1Bytes(top));
  if (!spec) return null;
  if (sub === undefined) return { spec };
  const child = spec.subcommands?.find((s) => s.name === sub);
  return child ? { spec: child, parent: spec } : null;
}

function commandInfo(c: Client, argv: Uint8Array[]): void {
  if (argv.length === 2) {
    replyAllInfo(c);
    return;
  }
  const proto = c.out.proto;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const found = findByName(c.server, latin1(argv[i]));
    if (found) c.out.raw(entryBytes(infoCache, writeInfo, proto, found.spec, found.parent));
    else c.out.nullBulk();
  }
}

function commandDocs(c: Client, argv: Uint8Array[]): void {
  const proto = c.out.proto;
  if (argv.length === 2) {
    const all = c.server.commands.all();
    c.out.raw(cached(allDocsCache, all, proto, (out) => {
      out.map(all.length);
      for (const spec of all) out.raw(entryBytes(docsCache, writeDocs, proto, spec));
    }));
    return;
  }
  const found: { spec: CommandSpec; parent?: CommandSpec }[] = [];
  for (let i = 2; i < argv.length; i++) {
    const f = findByName(c.server, latin1(argv[i]));
    if (f) found.push(f);
  }
  c.out.map(found.length);
  for (const f of found) c.out.raw(entryBytes(docsCache, writeDocs, proto, f.spec, f.parent));
}

function commandList(c: Client, argv: Uint8Array[]): void {
  const all = c.server.commands.all();
  let names: string[] = [];
  for (const spec of all) {
    names.push(spec.name);
    for (const sub of spec.subcommands ?? []) names.push(fullName(sub, spec));
  }
  if (argv.length === 5 && isKeyword(argv[2], "filterby")) {
    const kind = lowerAscii(argv[3]);
    const value = argv[4];
    if (kind === "pattern") {
      names = names.filter((n) => globMatch(value, latin1Bytes(n), true));
    } else if (kind === "aclcat") {
      const cat = lowerAscii(value);
      names = names.filter((n) => {
        const found = findByName(c.server, n);
        return found !== null && aclCategories(found.spec).includes(cat);
      });
    } else if (kind === "module") {
      names = [];
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  } else if (argv.length !== 2) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  c.out.array(names.length);
  for (const n of names) c.out.bulkLatin1(n);
}

/** `COMMAND GETKEYS` / `GETKEYSANDFLAGS`, with Redis's checks in Redis's order. */
function getKeys(c: Client, argv: Uint8Array[], withFlags: boolean): void {
  const target = argv.slice(2);
  let spec = c.server.commands.lookup(target[0]);
  if (spec?.subcommands && target.length > 1) {
    spec = c.server.commands.subcommand(spec, target[1]);
  }
  if (!spec) {
    c.out.error("ERR Invalid command specified");
    return;
  }
  if (!hasKeys(spec)) {
    c.out.error("ERR The command has no key arguments");
    return;
  }
  const argc = target.length;
  if (spec.arity >= 0 ? argc !== spec.arity : argc < -spec.arity) {
    c.out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  const keys = commandKeys(spec, target);
  if (keys.length === 0) {
    if (spec.flags.includes("no_mandatory_keys")) c.out.array(0);
    else c.out.error("ERR Invalid arguments specified for command");
    return;
  }
  c.out.array(keys.length);
  for (const key of keys) {
    if (withFlags) {
      c.out.array(2);
      c.out.bulk(target[key.pos]);
      writeSimpleSet(c.out, keyFlagNames(key.flags));
    } else {
      c.out.bulk(target[key.pos]);
    }
  }
}

const INTROSPECTION_FLAGS = ["loading", "stale"] as const;

/** The COMMAND command spec. */
export const INTROSPECTION_COMMANDS: CommandSpec[] = [
  command({
    name: "command",
    arity: -1,
    flags: [...INTROSPECTION_FLAGS],
    group: "server",
    since: "2.8.13",
    summary: "Get array of Redis command details",
    complexity: "O(N) where N is the total number of Redis commands",
    tips: ["nondeterministic_output_order"],
    aclCategories: ["connection"],
    handler: replyAllInfo,
    subcommands: [
      command({
        name: "count",
        arity: 2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Get total number of Redis commands",
        complexity: "O(1)",
        aclCategories: ["connection"],
        handler: (c) => c.out.integer(c.server.commands.size),
      }),
      command({
        name: "info",
        arity: -2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        complexity: "O(N) where N is the number of commands to look up",
        syntax: "[command-name [command-name ...]]",
        history: [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
        tips: ["nondeterministic_output_order"],
        aclCategories: ["connection"],
        handler: commandInfo,
      }),
      command({
        name: "docs",
        arity: -2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "7.0.0",
        summary: "Get array of specific Redis command documentation",
        complexity: "O(N) where N is the number of commands to look up",
        syntax: "[command-name [command-name ...]]",
        tips: ["nondeterministic_output_order"],
        aclCategories: ["connection"],
        handler: commandDocs,
      }),
      command({
        name: "list",
        arity: -2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "7.0.0",
        summary: "Get an array of Redis command names",
        complexity: "O(N) where N is the total number of Redis commands",
        syntax: "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]{filterby}",
        tips: ["nondeterministic_output_order"],
        aclCategories: ["connection"],
        handler: commandList,
      }),
      command({
        name: "getkeys",
        arity: -4,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Extract keys given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        aclCategories: ["connection"],
        handler: (c, argv) => getKeys(c, argv, false),
      }),
      command({
        name: "getkeysandflags",
        arity: -4,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "7.0.0",
        summary: "Extract keys and access flags given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        aclCategories: ["connection"],
        handler: (c, argv) => getKeys(c, argv, true),
      }),
      command({
        name: "help",
        arity: 2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        aclCategories: ["connection"],
        handler: (c) =>
          helpReply(c, "COMMAND", [
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
          ]),
      }),
    ],
  }),
];
