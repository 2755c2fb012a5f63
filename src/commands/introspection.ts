/**
 * `COMMAND` and its subcommands, rendered from the spec table so that
 * introspection always matches what dispatch does.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { command, type CommandSpec } from "./spec.ts";
import { aclCategories, fullName, keyPositions } from "./table.ts";
import { helpReply, SYNTAX_ERROR } from "./util.ts";
import { globMatch } from "../util/glob.ts";
import { isKeyword, latin1, latin1Bytes, lowerAscii } from "../util/bytes.ts";
import { parseSyntax, type SyntaxArg } from "./syntax.ts";

/** Key-spec flags derived from the command flags. */
function keySpecFlags(spec: CommandSpec): string[] {
  if (spec.flags.includes("write")) return ["RW", "update"];
  return ["RO", "access"];
}

function writeKeySpecs(c: Client, spec: CommandSpec): void {
  if (spec.firstKey <= 0) {
    c.out.array(0);
    return;
  }
  const out = c.out;
  out.array(1);
  out.map(3);
  out.bulkLatin1("flags");
  const flags = keySpecFlags(spec);
  out.set(flags.length);
  for (const f of flags) out.simple(f);
  out.bulkLatin1("begin_search");
  out.map(2);
  out.bulkLatin1("type");
  out.bulkLatin1("index");
  out.bulkLatin1("spec");
  out.map(1);
  out.bulkLatin1("index");
  out.integer(spec.firstKey);
  out.bulkLatin1("find_keys");
  out.map(2);
  out.bulkLatin1("type");
  out.bulkLatin1("range");
  out.bulkLatin1("spec");
  out.map(3);
  out.bulkLatin1("lastkey");
  out.integer(spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey);
  out.bulkLatin1("keystep");
  out.integer(spec.step);
  out.bulkLatin1("limit");
  out.integer(0);
}

/** One `COMMAND INFO` entry (Redis 7's ten fields). */
function writeInfo(c: Client, spec: CommandSpec, parent?: CommandSpec): void {
  const out = c.out;
  out.array(10);
  out.bulkLatin1(fullName(spec, parent));
  out.integer(spec.arity);
  const flags = [...spec.flags];
  if (spec.keys && !flags.includes("movablekeys")) flags.push("movablekeys");
  out.set(flags.length);
  for (const f of flags) out.simple(f);
  out.integer(spec.firstKey);
  out.integer(spec.lastKey);
  out.integer(spec.step);
  const cats = aclCategories(spec);
  out.set(cats.length);
  for (const cat of cats) out.simple("@" + cat);
  out.array(0); // tips
  writeKeySpecs(c, spec);
  const subs = spec.subcommands ?? [];
  out.array(subs.length);
  for (const sub of subs) writeInfo(c, sub, spec);
}

function writeArgs(c: Client, args: SyntaxArg[]): void {
  const out = c.out;
  out.array(args.length);
  for (const arg of args) {
    const fields: [string, string | string[] | SyntaxArg[]][] = [
      ["name", arg.name],
      ["type", arg.type],
    ];
    if (arg.token) fields.push(["token", arg.token]);
    const flags: string[] = [];
    if (arg.optional) flags.push("optional");
    if (arg.multiple) flags.push("multiple");
    if (flags.length) fields.push(["flags", flags]);
    if (arg.arguments) fields.push(["arguments", arg.arguments]);
    out.map(fields.length);
    for (const [k, v] of fields) {
      out.bulkLatin1(k);
      if (typeof v === "string") out.bulkLatin1(v);
      else if (k === "flags") {
        out.set(v.length);
        for (const f of v as string[]) out.simple(f);
      } else writeArgs(c, v as SyntaxArg[]);
    }
  }
}

/** One `COMMAND DOCS` entry. */
function writeDocs(c: Client, spec: CommandSpec, parent?: CommandSpec): void {
  const out = c.out;
  out.bulkLatin1(fullName(spec, parent));
  const args = spec.syntax ? parseSyntax(spec.syntax) : [];
  const subs = spec.subcommands ?? [];
  const fields = 4 + (args.length ? 1 : 0) + (subs.length ? 1 : 0);
  out.map(fields);
  out.bulkLatin1("summary");
  out.bulkLatin1(spec.summary);
  out.bulkLatin1("since");
  out.bulkLatin1(spec.since);
  out.bulkLatin1("group");
  out.bulkLatin1(spec.group);
  out.bulkLatin1("complexity");
  out.bulkLatin1(spec.complexity ?? "O(1)");
  if (args.length) {
    out.bulkLatin1("arguments");
    writeArgs(c, args);
  }
  if (subs.length) {
    out.bulkLatin1("subcommands");
    out.map(subs.length);
    for (const sub of subs) writeDocs(c, sub, spec);
  }
}

/** Finds a command or `container|sub` by name. */
function findByName(
  server: Server,
  name: string,
): { spec: CommandSpec; parent?: CommandSpec } | null {
  const [top, sub] = name.toLowerCase().split("|");
  const spec = server.commands.lookup(latin1Bytes(top));
  if (!spec) return null;
  if (sub === undefined) return { spec };
  const child = spec.subcommands?.find((s) => s.name === sub);
  return child ? { spec: child, parent: spec } : null;
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
  const argc = target.length;
  if (spec.arity >= 0 ? argc !== spec.arity : argc < -spec.arity) {
    c.out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  const positions = keyPositions(spec, target);
  if (positions.length === 0) {
    c.out.error("ERR The command has no key arguments");
    return;
  }
  c.out.array(positions.length);
  for (const p of positions) {
    if (withFlags) {
      c.out.array(2);
      c.out.bulk(target[p]);
      const flags = keySpecFlags(spec);
      c.out.set(flags.length);
      for (const f of flags) c.out.simple(f);
    } else {
      c.out.bulk(target[p]);
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
    summary: "Returns detailed information about all commands.",
    complexity: "O(N) where N is the total number of Redis commands",
    aclCategories: ["connection"],
    handler: (c) => {
      const all = c.server.commands.all();
      c.out.array(all.length);
      for (const spec of all) writeInfo(c, spec);
    },
    subcommands: [
      command({
        name: "count",
        arity: 2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Returns a count of commands.",
        aclCategories: ["connection"],
        handler: (c) => c.out.integer(c.server.commands.size),
      }),
      command({
        name: "info",
        arity: -2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Returns information about one, multiple or all commands.",
        complexity: "O(N) where N is the number of commands to look up",
        syntax: "[command-name [command-name ...]]",
        aclCategories: ["connection"],
        handler: (c, argv) => {
          if (argv.length === 2) {
            const all = c.server.commands.all();
            c.out.array(all.length);
            for (const spec of all) writeInfo(c, spec);
            return;
          }
          c.out.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) {
            const found = findByName(c.server, latin1(argv[i]));
            if (found) writeInfo(c, found.spec, found.parent);
            else c.out.nullBulk();
          }
        },
      }),
      command({
        name: "docs",
        arity: -2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "7.0.0",
        summary: "Returns documentary information about one, multiple or all commands.",
        complexity: "O(N) where N is the number of commands to look up",
        syntax: "[command-name [command-name ...]]",
        aclCategories: ["connection"],
        handler: (c, argv) => {
          const found: { spec: CommandSpec; parent?: CommandSpec }[] = [];
          if (argv.length === 2) {
            for (const spec of c.server.commands.all()) found.push({ spec });
          } else {
            for (let i = 2; i < argv.length; i++) {
              const f = findByName(c.server, latin1(argv[i]));
              if (f) found.push(f);
            }
          }
          c.out.map(found.length);
          for (const f of found) writeDocs(c, f.spec, f.parent);
        },
      }),
      command({
        name: "list",
        arity: -2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "7.0.0",
        summary: "Returns a list of command names.",
        complexity: "O(N) where N is the total number of Redis commands",
        syntax: "[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]",
        aclCategories: ["connection"],
        handler: commandList,
      }),
      command({
        name: "getkeys",
        arity: -4,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Extracts the key names from an arbitrary command.",
        complexity: "O(N) where N is the number of arguments to the command",
        syntax: "command [arg [arg ...]]",
        aclCategories: ["connection"],
        handler: (c, argv) => getKeys(c, argv, false),
      }),
      command({
        name: "getkeysandflags",
        arity: -4,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "7.0.0",
        summary: "Extracts the key names and access flags for an arbitrary command.",
        complexity: "O(N) where N is the number of arguments to the command",
        syntax: "command [arg [arg ...]]",
        aclCategories: ["connection"],
        handler: (c, argv) => getKeys(c, argv, true),
      }),
      command({
        name: "help",
        arity: 2,
        flags: [...INTROSPECTION_FLAGS],
        group: "server",
        since: "5.0.0",
        summary: "Returns helpful text about the different subcommands.",
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
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
          ]),
      }),
    ],
  }),
];
