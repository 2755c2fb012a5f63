/**
 * Parses a command's documented syntax string (`key value [NX | XX]
 * [EX seconds | PX milliseconds] [GET]`) into the argument tree that
 * `COMMAND DOCS` reports, so each spec states its syntax once.
 *
 * Grammar: words separated by spaces; `[ ... ]` is optional; `< ... >` is a
 * required group; `a | b` inside a group are alternatives (oneof); a trailing `[x ...]` after `x`
 * or `x [x ...]` means multiple; an UPPER-CASE word followed by a
 * lower-case word is a token introducing that argument (`EX seconds`); a
 * lone UPPER-CASE word is a pure token.
 *
 * @module
 */

/** One argument as `COMMAND DOCS` describes it. */
export interface SyntaxArg {
  name: string;
  type: string;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  arguments?: SyntaxArg[];
}

const INTEGER_NAMES = new Set([
  "count",
  "seconds",
  "milliseconds",
  "unix-time-seconds",
  "unix-time-milliseconds",
  "index",
  "start",
  "stop",
  "end",
  "offset",
  "timeout",
  "numkeys",
  "db",
  "increment",
  "decrement",
  "rank",
  "len",
  "cursor",
  "limit",
  "protover",
  "pivot-index",
  "client-id",
  "maxlen",
  "destination-db",
  "ttl",
]);
const DOUBLE_NAMES = new Set(["score", "min", "max", "weight", "float-increment"]);
const KEY_NAMES = new Set(["key", "destination", "source", "newkey", "srckey", "dstkey"]);

function typeOf(name: string): string {
  if (KEY_NAMES.has(name)) return "key";
  if (INTEGER_NAMES.has(name)) return "integer";
  if (DOUBLE_NAMES.has(name)) return "double";
  if (name.includes("pattern")) return "pattern";
  return "string";
}

function isToken(word: string): boolean {
  return /^[A-Z][A-Z0-9_-]*$/.test(word);
}

type Node = { kind: "word"; text: string } | { kind: "group"; items: Node[][]; required: boolean };

/** Tokenises into words, `[`, `]`, `<`, `>`, `|` and `...`. */
function lex(syntax: string): string[] {
  return syntax.replace(/([[\]<>|])/g, " $1 ").trim().split(/\s+/).filter((w) => w.length > 0);
}

/** Parses a sequence until `]`, `>` or end; alternatives split on `|`. */
function parseSeq(words: string[], pos: { i: number }): Node[][] {
  const alternatives: Node[][] = [[]];
  while (pos.i < words.length) {
    const w = words[pos.i];
    if (w === "]" || w === ">") break;
    pos.i++;
    if (w === "|") {
      alternatives.push([]);
    } else if (w === "[" || w === "<") {
      const items = parseSeq(words, pos);
      pos.i++; // skip ] or >
      alternatives[alternatives.length - 1].push({ kind: "group", items, required: w === "<" });
    } else {
      alternatives[alternatives.length - 1].push({ kind: "word", text: w });
    }
  }
  return alternatives;
}

function sameWords(a: Node[], b: Node[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Converts one sequence of nodes into arguments. */
function toArgs(seq: Node[]): SyntaxArg[] {
  const out: SyntaxArg[] = [];
  for (let i = 0; i < seq.length; i++) {
    const node = seq[i];
    if (node.kind === "word") {
      if (node.text === "...") {
        if (out.length > 0) out[out.length - 1].multiple = true;
        continue;
      }
      const next = seq[i + 1];
      if (
        isToken(node.text) && next?.kind === "word" && !isToken(next.text) && next.text !== "..."
      ) {
        out.push({ name: next.text, type: typeOf(next.text), token: node.text });
        i++;
      } else if (isToken(node.text)) {
        out.push({ name: node.text.toLowerCase(), type: "pure-token", token: node.text });
      } else {
        out.push({ name: node.text, type: typeOf(node.text) });
      }
      continue;
    }
    // An optional repetition of what came just before: `key [key ...]`.
    const inner = node.items;
    if (
      inner.length === 1 && inner[0].length >= 2 &&
      inner[0][inner[0].length - 1].kind === "word" &&
      (inner[0][inner[0].length - 1] as { text: string }).text === "..." &&
      out.length > 0 && sameWords(inner[0].slice(0, -1), seq.slice(i - inner[0].length + 1, i))
    ) {
      out[out.length - 1].multiple = true;
      continue;
    }
    const arg = groupArg(inner);
    if (!node.required) arg.optional = true;
    out.push(arg);
  }
  return out;
}

function groupArg(alternatives: Node[][]): SyntaxArg {
  if (alternatives.length > 1) {
    const options = alternatives.map((alt) => {
      const args = toArgs(alt);
      return args.length === 1
        ? args[0]
        : { name: blockName(args), type: "block", arguments: args };
    });
    return {
      name: options.map((o) => o.name).join("-").slice(0, 40),
      type: "oneof",
      arguments: options,
    };
  }
  const args = toArgs(alternatives[0]);
  if (args.length === 1) return args[0];
  return { name: blockName(args), type: "block", arguments: args };
}

function blockName(args: SyntaxArg[]): string {
  return args.map((a) => a.name).join("_");
}

/** Parses a syntax string; returns no arguments when it cannot be parsed. */
export function parseSyntax(syntax: string): SyntaxArg[] {
  try {
    const pos = { i: 0 };
    const alternatives = parseSeq(lex(syntax), pos);
    if (alternatives.length > 1) return [groupArg(alternatives)];
    return toArgs(alternatives[0]);
  } catch {
    return [];
  }
}
