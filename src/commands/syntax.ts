/**
 * The argument notation of command specs: Redis's documented syntax
 * (`key value [NX | XX] [EX seconds | PX milliseconds]`) with annotations in
 * braces for the facts the syntax alone does not show. It is parsed into
 * the argument tree `COMMAND DOCS` reports, and rendered back into the
 * usage line `HELP` shows, so each spec states its arguments once.
 *
 * Grammar:
 * - `word` is an argument named `word`; its type comes from its name
 *   (`key`, `count`, `score`... see {@link TYPE_BY_NAME}), else `string`.
 * - An UPPER-CASE word is a token (so is any text in backquotes, such as
 *   `` `*` ``; two backquotes alone are the empty token). `EX seconds` is the
 *   argument `seconds` introduced by `EX`; a lone `NX` is a pure token
 *   (named `nx`); `TOKEN <a | b>` and `TOKEN x [x ...]` put the token on the
 *   group or on the repeated argument; `LIMIT offset count` (a token and
 *   plain words, alone in a group or repetition) is a block introduced by
 *   `LIMIT`.
 * - `[ ... ]` is optional, `< ... >` a required group; `a | b` inside a group
 *   are alternatives (`oneof`); several arguments in one group form a `block`.
 *   Group names default to their members' names joined with `_`.
 * - `x [x ...]` (or `a b [a b ...]`, a block) repeats (`multiple`);
 *   `TOKEN x [TOKEN x ...]` repeats with the token (`multiple_token`);
 *   `[x ...]` is an optional repetition, and `<...> ...` repeats a group.
 * - `{...}` after a word, group or repetition annotates it with
 *   space-separated items: a version (`2.6.12`: `since`), `deprecated:7.0.0`
 *   (`deprecated_since`), `ks:N` (`key_spec_index`; key arguments otherwise
 *   take the next index in order), a type (`integer`, `string`, `double`,
 *   `key`, `pattern`, `unix-time`), `block` (keep a single argument in a
 *   block of its own), or anything else: the name.
 *
 * Example: `key value [NX | XX]{condition 2.6.12} [GET]{6.2.0}`.
 *
 * @module
 */

/** Argument types as `COMMAND DOCS` names them. */
export type ArgType =
  | "key"
  | "string"
  | "integer"
  | "double"
  | "pattern"
  | "unix-time"
  | "pure-token"
  | "oneof"
  | "block";

/** One argument as `COMMAND DOCS` describes it. */
export interface CommandArg {
  name: string;
  type: ArgType;
  /** For key arguments: the index of the key spec they belong to. */
  keySpecIndex?: number;
  token?: string;
  since?: string;
  deprecatedSince?: string;
  optional?: boolean;
  multiple?: boolean;
  /** The token repeats with each value (`GET pattern [GET pattern ...]`). */
  multipleToken?: boolean;
  /** Members of a `oneof` or `block`. */
  arguments?: CommandArg[];
}

/** Default types of argument names (all others are strings). */
export const TYPE_BY_NAME: Readonly<Record<string, ArgType>> = {
  key: "key",
  newkey: "key",
  source: "key",
  destination: "key",
  src: "key",
  dst: "key",
  destkey: "key",
  key1: "key",
  key2: "key",
  pattern: "pattern",
  count: "integer",
  seconds: "integer",
  milliseconds: "integer",
  db: "integer",
  "destination-db": "integer",
  index: "integer",
  index1: "integer",
  index2: "integer",
  offset: "integer",
  start: "integer",
  stop: "integer",
  end: "integer",
  numkeys: "integer",
  cursor: "integer",
  increment: "integer",
  decrement: "integer",
  rank: "integer",
  "num-matches": "integer",
  len: "integer",
  limit: "integer",
  protover: "integer",
  "client-id": "integer",
  ttl: "integer",
  frequency: "integer",
  bit: "integer",
  weight: "integer",
  score: "double",
  min: "double",
  max: "double",
  timeout: "double",
  "unix-time-seconds": "unix-time",
  "unix-time-milliseconds": "unix-time",
};

const LEAF_TYPES = new Set<string>(["key", "string", "integer", "double", "pattern", "unix-time"]);

/** Annotations of a node. */
interface Note {
  name?: string;
  type?: ArgType;
  block?: boolean;
  since?: string;
  deprecatedSince?: string;
  keySpecIndex?: number;
}

type Node =
  | { kind: "word"; text: string; note?: Note }
  | { kind: "group"; alts: Node[][]; required: boolean; note?: Note }
  | { kind: "repeat"; items: Node[]; note?: Note };

const VERSION = /^\d+\.\d+\.\d+$/;

function parseNote(text: string): Note {
  const note: Note = {};
  for (const item of text.trim().split(/\s+/)) {
    if (item === "") continue;
    if (VERSION.test(item)) note.since = item;
    else if (item.startsWith("deprecated:") && VERSION.test(item.slice(11))) {
      note.deprecatedSince = item.slice(11);
    } else if (/^ks:\d+$/.test(item)) note.keySpecIndex = Number(item.slice(3));
    else if (item === "block") note.block = true;
    else if (LEAF_TYPES.has(item)) note.type = item as ArgType;
    else if (note.name === undefined) note.name = item;
    else throw new Error(`Two names in annotation {${text}}`);
  }
  return note;
}

/** Splits into words, brackets, bars and `{annotations}`; throws on anything else. */
function lex(syntax: string): string[] {
  const out: string[] = [];
  const item = /\s*(\{[^{}]*\}|[[\]<>|]|[^\s[\]<>|{}]+)/y;
  while (item.lastIndex < syntax.length && syntax.slice(item.lastIndex).trim() !== "") {
    const at = item.lastIndex;
    const m = item.exec(syntax);
    if (m === null) throw new Error(`Cannot read the syntax at "${syntax.slice(at)}"`);
    out.push(m[1]);
  }
  return out;
}

const QUOTED_TOKEN = /^`[^`]*`$/;

function isToken(node: Node | undefined): node is { kind: "word"; text: string; note?: Note } {
  return node?.kind === "word" &&
    (/^[A-Z][A-Z0-9_-]*$/.test(node.text) || QUOTED_TOKEN.test(node.text));
}

/** A token's text: backquotes removed. */
function tokenOf(node: { text: string }): string {
  return QUOTED_TOKEN.test(node.text) ? node.text.slice(1, -1) : node.text;
}

function isPlainWord(node: Node | undefined): boolean {
  return node !== undefined && node.kind === "word" && node.text !== "..." && !isToken(node);
}

function sameShape(a: Node, b: Node): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "word") return a.text === (b as typeof a).text;
  if (a.kind === "repeat") return sameNodes(a.items, (b as typeof a).items);
  const g = b as typeof a;
  return a.required === g.required && a.alts.length === g.alts.length &&
    a.alts.every((alt, i) => sameNodes(alt, g.alts[i]));
}

function sameNodes(a: Node[], b: Node[]): boolean {
  return a.length === b.length && a.every((n, i) => sameShape(n, b[i]));
}

/**
 * Turns `x [x ...]` (the group repeats what precedes it) into a repeat
 * node; leaves `[x ...]` alone.
 */
function foldRepeat(seq: Node[], group: Node & { kind: "group" }): boolean {
  if (group.required || group.alts.length !== 1) return false;
  const alt = group.alts[0];
  const last = alt[alt.length - 1];
  if (alt.length < 2 || last.kind !== "word" || last.text !== "...") return false;
  const items = alt.slice(0, -1);
  if (seq.length < items.length || !sameNodes(seq.slice(seq.length - items.length), items)) {
    return false;
  }
  seq.push({ kind: "repeat", items: seq.splice(seq.length - items.length), note: group.note });
  return true;
}

/** Parses alternatives up to a closing bracket (or the end). */
function parseAlternatives(words: string[], pos: { i: number }, closer: string | null): Node[][] {
  const alts: Node[][] = [[]];
  for (;;) {
    if (pos.i >= words.length) {
      if (closer !== null) throw new Error(`Missing "${closer}"`);
      return alts;
    }
    const w = words[pos.i++];
    const seq = alts[alts.length - 1];
    if (w === closer) return alts;
    if (w === "]" || w === ">") throw new Error(`Unexpected "${w}"`);
    if (w === "|") {
      alts.push([]);
    } else if (w.startsWith("{")) {
      const target = seq[seq.length - 1];
      if (target === undefined) throw new Error(`Annotation ${w} annotates nothing`);
      target.note = { ...target.note, ...parseNote(w.slice(1, -1)) };
    } else if (w === "[" || w === "<") {
      const group: Node & { kind: "group" } = {
        kind: "group",
        alts: parseAlternatives(words, pos, w === "[" ? "]" : ">"),
        required: w === "<",
      };
      // An annotation right after a repetition belongs to the repetition.
      if (words[pos.i]?.startsWith("{")) group.note = parseNote(words[pos.i++].slice(1, -1));
      if (!foldRepeat(seq, group)) seq.push(group);
    } else {
      seq.push({ kind: "word", text: w });
    }
  }
}

function applyNote(arg: CommandArg, note: Note | undefined): CommandArg {
  if (note === undefined) return arg;
  if (note.name !== undefined) arg.name = note.name;
  if (note.type !== undefined) arg.type = note.type;
  if (note.since !== undefined) arg.since = note.since;
  if (note.deprecatedSince !== undefined) arg.deprecatedSince = note.deprecatedSince;
  if (note.keySpecIndex !== undefined) arg.keySpecIndex = note.keySpecIndex;
  return arg;
}

function leaf(node: { text: string; note?: Note }, token?: string): CommandArg {
  const arg: CommandArg = { name: node.text, type: TYPE_BY_NAME[node.text] ?? "string" };
  if (token !== undefined) arg.token = token;
  return applyNote(arg, node.note);
}

function block(args: CommandArg[], token?: string): CommandArg {
  const arg: CommandArg = { name: args.map((a) => a.name).join("_"), type: "block" };
  if (token !== undefined) arg.token = token;
  arg.arguments = args;
  return arg;
}

/**
 * One alternative of a group (or the items of a repetition) as a single
 * argument: a token followed only by plain words is a block with that
 * token; several arguments are a block; one stays itself unless `forceBlock`.
 */
function sequenceArg(seq: Node[], forceBlock: boolean): CommandArg {
  const head = seq[0];
  if (isToken(head) && seq.length >= 3 && seq.slice(1).every(isPlainWord)) {
    return applyNote(
      block(seq.slice(1).map((n) => leaf(n as { text: string })), tokenOf(head)),
      head.note,
    );
  }
  if (forceBlock && isToken(head) && seq.length > 1) {
    return applyNote(block(toArgs(seq.slice(1)), tokenOf(head)), head.note);
  }
  const args = toArgs(seq);
  if (args.length === 1 && !forceBlock) return args[0];
  if (args.length === 0) throw new Error("Empty group");
  return block(args);
}

function nodeArg(node: Node & { kind: "group" | "repeat" }): CommandArg {
  let arg: CommandArg;
  if (node.kind === "repeat") {
    arg = sequenceArg(node.items, node.note?.block === true);
    arg.multiple = true;
    if (arg.token !== undefined && isToken(node.items[0])) arg.multipleToken = true;
  } else if (node.alts.length > 1) {
    const options = node.alts.map((alt) => sequenceArg(alt, false));
    arg = { name: options.map((o) => o.name).join("_"), type: "oneof", arguments: options };
    if (!node.required) arg.optional = true;
  } else {
    arg = sequenceArg(node.alts[0], node.note?.block === true);
    if (!node.required) arg.optional = true;
  }
  return applyNote(arg, node.note);
}

/** Converts one sequence of nodes into arguments. */
function toArgs(seq: Node[]): CommandArg[] {
  const out: CommandArg[] = [];
  for (let i = 0; i < seq.length; i++) {
    const node = seq[i];
    if (node.kind !== "word") {
      out.push(nodeArg(node));
      continue;
    }
    if (node.text === "...") {
      if (out.length === 0) throw new Error(`"..." repeats nothing`);
      out[out.length - 1].multiple = true;
      continue;
    }
    if (!isToken(node)) {
      out.push(leaf(node));
      continue;
    }
    const next = seq[i + 1];
    if (isPlainWord(next)) {
      const arg = leaf(next as { text: string; note?: Note }, tokenOf(node));
      out.push(applyNote(arg, node.note));
      i++;
    } else if (next !== undefined && next.kind !== "word") {
      const arg = nodeArg(next);
      if (arg.token !== undefined) throw new Error(`Two tokens for ${arg.name}`);
      arg.token = tokenOf(node);
      out.push(applyNote(arg, node.note));
      i++;
    } else {
      const token = tokenOf(node);
      const arg: CommandArg = { name: token.toLowerCase(), type: "pure-token", token };
      out.push(applyNote(arg, node.note));
    }
  }
  return out;
}

/** Gives key arguments without an explicit index the next one, in order. */
function numberKeys(args: CommandArg[], state: { next: number }, specCount: number): void {
  for (const arg of args) {
    if (arg.type === "key") {
      if (arg.keySpecIndex === undefined) arg.keySpecIndex = state.next;
      if (arg.keySpecIndex >= specCount) {
        throw new Error(`Key argument ${arg.name} refers to key spec ${arg.keySpecIndex}`);
      }
    }
    if (arg.keySpecIndex !== undefined) {
      state.next = Math.max(state.next, arg.keySpecIndex + 1);
    }
    if (arg.arguments) numberKeys(arg.arguments, state, specCount);
  }
}

/**
 * Parses an annotated syntax into `COMMAND DOCS` arguments; throws on a
 * malformed one. `keySpecCount` bounds the key spec indexes.
 */
export function parseSyntax(syntax: string, keySpecCount: number): CommandArg[] {
  const pos = { i: 0 };
  const alts = parseAlternatives(lex(syntax), pos, null);
  const args = alts.length > 1
    ? [nodeArg({ kind: "group", alts, required: true })]
    : toArgs(alts[0]);
  numberKeys(args, { next: 0 }, keySpecCount);
  return args;
}

function usageOf(arg: CommandArg): string {
  let text: string;
  if (arg.type === "pure-token") text = arg.token!;
  else if (arg.type === "oneof") {
    const inner = arg.arguments!.map(usageOf).join(" | ");
    text = arg.optional && arg.token === undefined ? inner : `<${inner}>`;
  } else if (arg.type === "block") text = arg.arguments!.map(usageOf).join(" ");
  else text = arg.name;
  if (arg.token !== undefined && arg.type !== "pure-token" && !arg.multipleToken) {
    text = arg.multiple ? `${arg.token} ${text} [${text} ...]` : `${arg.token} ${text}`;
  } else if (arg.multiple) {
    const one = arg.multipleToken ? `${arg.token} ${text}` : text;
    text = `${one} [${one} ...]`;
  }
  return arg.optional ? `[${text}]` : text;
}

/** Renders arguments as a usage line, as Redis's documentation shows them. */
export function renderUsage(args: readonly CommandArg[]): string {
  return args.map(usageOf).join(" ");
}
