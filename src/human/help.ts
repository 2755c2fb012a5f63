/**
 * `HELP` for human sessions, from the command table: usage (syntax),
 * summary, since-version and group, laid out as redis-cli's `help` shows
 * them; and "did you mean" suggestions for names that match nothing.
 *
 * @module
 */

import type { CommandSpec } from "../commands/spec.ts";
import type { CommandTable } from "../commands/table.ts";
import { latin1Bytes, quoteBytes } from "../util/bytes.ts";
import { REDIS_COMPAT_VERSION, VERSION } from "../version.ts";

/** The first lines a human connection receives. */
export function greeting(): string {
  return `Rift ${VERSION} (Redis ${REDIS_COMPAT_VERSION} compatible), human mode.\n` +
    "Type commands as in redis-cli. HELP for help, HELP <command> for usage, QUIT to leave.\n";
}

/**
 * The text of `HELP [topic...]`: general help without a topic, the usage of
 * a command (`HELP SET`, `HELP CONFIG GET`; a container lists its
 * subcommands), or every command of a group (`HELP @string`). The topic
 * words are latin1 strings of the bytes typed.
 */
export function helpText(table: CommandTable, topic: string[]): string {
  if (topic.length === 0 || (topic.length === 1 && topic[0].toLowerCase() === "help")) {
    return generalHelp(table);
  }
  const first = topic[0].toLowerCase();
  if (first.startsWith("@")) return groupHelp(table, first.slice(1));
  const spec = table.get(first);
  if (spec === undefined) return noHelp(topic, suggestCommands(table, first));
  if (topic.length > 1 && spec.subcommands !== undefined) {
    const subName = topic[1].toLowerCase();
    const sub = spec.subcommands.find((s) => s.name === subName);
    if (sub !== undefined) return entries([[sub, spec]], true);
    const close = closestNames(spec.subcommands.map((s) => s.name), subName);
    return noHelp(topic, close.map((n) => `${spec.name} ${n}`.toUpperCase()));
  }
  const subs = (spec.subcommands ?? []).map((s): [CommandSpec, CommandSpec] => [s, spec]);
  return entries([[spec, undefined], ...sortByName(subs)], true);
}

/** The usage line of a command as its full name (`get`, `config|get`) says it: `GET key`. */
export function usageOf(table: CommandTable, fullName: string): string | null {
  const [name, subName] = fullName.split("|");
  const spec = table.get(name);
  if (spec === undefined) return null;
  if (subName === undefined) return usageLine(spec);
  const sub = spec.subcommands?.find((s) => s.name === subName);
  return sub === undefined ? null : usageLine(sub, spec);
}

/** Up to five command names close to `word` (see {@link closestNames}), upper case. */
export function suggestCommands(table: CommandTable, word: string): string[] {
  return closestNames(commandNames(table), word).map((n) => n.toUpperCase());
}

/**
 * Up to five of `names` close to `word`: within a small edit distance
 * (typos, swapped letters), nearest first, then names that start with it.
 */
export function closestNames(names: string[], word: string): string[] {
  const w = word.toLowerCase();
  const maxDistance = w.length <= 3 ? 1 : 2;
  const near: { name: string; distance: number }[] = [];
  const prefixed: string[] = [];
  for (const name of names) {
    const distance = editDistance(w, name);
    if (distance <= maxDistance) near.push({ name, distance });
    else if (w.length >= 2 && name.startsWith(w)) prefixed.push(name);
  }
  near.sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1));
  return [...near.map((n) => n.name), ...prefixed.sort()].slice(0, 5);
}

/** `A`, `A or B`, `A, B or C`. */
export function orList(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of adjacent letters each cost one.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j] + 1,
        d[i * cols + j - 1] + 1,
        d[(i - 1) * cols + j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

/** Names of the commands that answer to their own name (renamed ones do not). */
function commandNames(table: CommandTable): string[] {
  return table.all().filter((spec) => table.get(spec.name) === spec).map((spec) => spec.name);
}

function generalHelp(table: CommandTable): string {
  const groups = [...new Set(table.all().map((spec) => spec.group))].sort();
  return `Rift ${VERSION} (Redis ${REDIS_COMPAT_VERSION} compatible)\n` +
    "Type a command and its arguments, quoted as in redis-cli:\n" +
    '      SET greeting "hello world"\n' +
    "To get help:\n" +
    '      "HELP <command>" for the usage of a command, e.g. HELP SET or HELP CONFIG GET\n' +
    '      "HELP @<group>" to list the commands of a group, e.g. HELP @string\n' +
    '      "QUIT" to leave\n' +
    `Groups: ${groups.join(", ")}\n`;
}

function groupHelp(table: CommandTable, group: string): string {
  const found: [CommandSpec, CommandSpec | undefined][] = [];
  for (const spec of table.all()) {
    if (spec.group === group) found.push([spec, undefined]);
    for (const sub of spec.subcommands ?? []) if (sub.group === group) found.push([sub, spec]);
  }
  if (found.length === 0) {
    const groups = [...new Set(table.all().map((spec) => spec.group))].sort();
    return `No group named ${shown(group)}. Groups: ${groups.join(", ")}\n`;
  }
  return entries(sortByName(found), false);
}

function noHelp(topic: string[], suggestions: string[]): string {
  const hint = suggestions.length > 0 ? ` Did you mean ${orList(suggestions)}?` : "";
  return `No help for ${shown(topic.join(" "))}.${hint} HELP lists the groups of commands.\n`;
}

/** User bytes shown quoted, as replies are, so any byte prints safely. */
function shown(typed: string): string {
  return quoteBytes(latin1Bytes(typed));
}

function sortByName<T extends [CommandSpec, CommandSpec | undefined]>(list: T[]): T[] {
  const key = ([spec, parent]: T) => parent ? `${parent.name} ${spec.name}` : spec.name;
  return list.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/** Blank-line separated entries, as redis-cli prints them. */
function entries(list: [CommandSpec, CommandSpec | undefined][], withGroup: boolean): string {
  let out = "\n";
  for (const [spec, parent] of list) {
    out += `  ${usageLine(spec, parent)}\n`;
    out += `  summary: ${spec.summary}\n`;
    out += `  since: ${spec.since}\n`;
    if (withGroup) out += `  group: ${spec.group}\n`;
    out += "\n";
  }
  return out;
}

function usageLine(spec: CommandSpec, parent?: CommandSpec): string {
  const name = (parent ? `${parent.name} ${spec.name}` : spec.name).toUpperCase();
  return spec.usage ? `${name} ${spec.usage}` : name;
}
