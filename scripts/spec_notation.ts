/**
 * Dev tool support: writes redis-server's `COMMAND INFO` / `COMMAND DOCS`
 * facts about a command in Rift's spec notations (the annotated syntax of
 * src/commands/syntax.ts, the key specs of src/commands/key_specs.ts), so a
 * new command's declaration can start from what Redis reports.
 *
 * @module
 */

import { type CommandArg, parseSyntax, TYPE_BY_NAME } from "../src/commands/syntax.ts";
import { keyFlagNames, type KeySpec } from "../src/commands/key_specs.ts";

/** An argument as `COMMAND DOCS` reports it (RESP3 map turned into an object). */
export interface RedisArg {
  name: string;
  type: string;
  key_spec_index?: number;
  token?: string;
  since?: string;
  deprecated_since?: string;
  flags?: string[];
  arguments?: RedisArg[];
}

const has = (a: RedisArg, flag: string) => a.flags?.includes(flag) ?? false;
/** A token as the notation writes it: upper-case words bare, others in backquotes. */
const tokenText = (t: string) => (/^[A-Z][A-Z0-9_-]*$/.test(t) ? t : `\`${t}\``);
const RESERVED = new Set([
  "block",
  "key",
  "string",
  "integer",
  "double",
  "pattern",
  "unix-time",
]);

/** True when a leaf needs no annotation of its own beyond what `ann` adds. */
function isPlainLeaf(a: RedisArg): boolean {
  return a.type !== "oneof" && a.type !== "block" && a.type !== "pure-token" &&
    a.token === undefined && !a.flags?.length;
}

class Emitter {
  /** The next key spec index the parser will give a key argument. */
  private nextKey = 0;

  private annotation(a: RedisArg, defaultName: string, extra: string[] = []): string {
    const items = [...extra];
    if (a.name !== defaultName) {
      if (RESERVED.has(a.name) || /^\d+\.\d+\.\d+$/.test(a.name) || /[\s{}]/.test(a.name)) {
        throw new Error(`Name "${a.name}" cannot be written as an annotation`);
      }
      items.push(a.name);
    }
    if (a.type !== "oneof" && a.type !== "block" && a.type !== "pure-token") {
      const defaultType = TYPE_BY_NAME[a.name] ?? "string";
      if (a.type !== defaultType) items.push(a.type);
    }
    if (a.since) items.push(a.since);
    if (a.deprecated_since) items.push(`deprecated:${a.deprecated_since}`);
    return items.length ? `{${items.join(" ")}}` : "";
  }

  private keyIndex(a: RedisArg): string[] {
    const ks = a.key_spec_index;
    if (ks === undefined) return [];
    const expected = a.type === "key" ? this.nextKey : -1;
    this.nextKey = Math.max(this.nextKey, ks + 1);
    return ks === expected ? [] : [`ks:${ks}`];
  }

  /** The children of a block as a sequence, or of a oneof as alternatives. */
  private inner(a: RedisArg): string {
    const kids = a.arguments ?? [];
    if (a.type === "oneof") return kids.map((k) => this.alternative(k)).join(" | ");
    return kids.map((k) => this.arg(k)).join(" ");
  }

  /** One alternative of a oneof: a bare sequence where that parses back the same. */
  private alternative(k: RedisArg): string {
    if (k.type === "block" && !k.flags?.length) {
      const kids = k.arguments ?? [];
      const joined = kids.map((x) => x.name).join("_");
      if (k.token === undefined && kids.length > 1 && k.name === joined && !k.since) {
        return this.inner(k);
      }
      if (
        k.token !== undefined && kids.length > 1 && kids.every(isPlainLeaf) &&
        k.name === joined && !k.since
      ) {
        return `${k.token} ${this.inner(k)}`;
      }
    }
    return this.arg(k);
  }

  /** One argument in the notation, annotations included. */
  arg(a: RedisArg): string {
    const ks = this.keyIndex(a);
    const optional = has(a, "optional");
    const multiple = has(a, "multiple");
    const multipleToken = has(a, "multiple_token");
    const wrap = (text: string, ann: string) => (optional ? `[${text}]${ann}` : `${text}${ann}`);
    if (a.type === "pure-token") {
      const ann = this.annotation(a, a.token!.toLowerCase(), ks);
      if (multiple) throw new Error(`Repeated pure token ${a.name}`);
      const token = tokenText(a.token!);
      return optional ? `[${token}]${ann}` : `${token}${ann}`;
    }
    if (a.token !== undefined && tokenText(a.token) !== a.token) {
      throw new Error(`Token ${a.token} introduces an argument: not written in the notation`);
    }
    if (a.type !== "oneof" && a.type !== "block") {
      const ann = this.annotation(a, a.name, ks);
      if (!multiple) {
        const text = a.token ? `${a.token} ${a.name}` : a.name;
        return optional ? `[${text}]${ann}` : `${text}${ann}`;
      }
      if (a.token && !multipleToken) return wrap(`${a.token} ${a.name} [${a.name} ...]`, ann);
      const one = a.token ? `${a.token} ${a.name}` : a.name;
      return wrap(`${one} [${one} ...]`, ann);
    }
    const kids = a.arguments ?? [];
    const joined = kids.map((k) => k.name).join("_");
    if (a.type === "block") {
      const tokenBlock = a.token !== undefined && kids.length > 1 && kids.every(isPlainLeaf);
      const forced = (a.token !== undefined && !tokenBlock) || kids.length === 1;
      if (multiple && a.token && !multipleToken) {
        // The token once, then the block repeated: `ARGS <arg>{block} ...`.
        const ann = this.annotation(a, joined, [...ks, "block"]);
        return wrap(`${a.token} <${this.inner(a)}>${ann} ...`, "");
      }
      const ann = this.annotation(a, joined, [...ks, ...(forced ? ["block"] : [])]);
      const body = a.token ? `${a.token} ${this.inner(a)}` : this.inner(a);
      if (multiple) {
        if (!tokenBlock && a.token) throw new Error(`Block ${a.name}: repeated forced token block`);
        return wrap(`${body} [${body} ...]`, ann);
      }
      if (optional) return `[${body}]${ann}`;
      return `<${body}>${ann}`;
    }
    // oneof
    const ann = this.annotation(a, joined, ks);
    const body = this.inner(a);
    if (multiple) {
      if (a.token) throw new Error(`Repeated oneof ${a.name} with a token`);
      return optional ? `[<${body}> ...]${ann}` : `<${body}>${ann} ...`;
    }
    if (a.token) return optional ? `[${a.token} <${body}>]${ann}` : `${a.token} <${body}>${ann}`;
    return optional ? `[${body}]${ann}` : `<${body}>${ann}`;
  }
}

/** Writes `COMMAND DOCS` arguments in the annotated syntax notation. */
export function notationOf(args: RedisArg[]): string {
  const e = new Emitter();
  return args.map((a) => e.arg(a)).join(" ");
}

/** Converts a parsed argument tree back into `COMMAND DOCS` form, for comparison. */
export function asRedisArgs(args: readonly CommandArg[]): RedisArg[] {
  return args.map((a) => {
    const out: RedisArg = { name: a.name, type: a.type };
    if (a.keySpecIndex !== undefined) out.key_spec_index = a.keySpecIndex;
    if (a.token !== undefined) out.token = a.token;
    if (a.since !== undefined) out.since = a.since;
    if (a.deprecatedSince !== undefined) out.deprecated_since = a.deprecatedSince;
    const flags = [
      ...(a.optional ? ["optional"] : []),
      ...(a.multiple ? ["multiple"] : []),
      ...(a.multipleToken ? ["multiple_token"] : []),
    ];
    if (flags.length) out.flags = flags;
    if (a.arguments) out.arguments = asRedisArgs(a.arguments);
    return out;
  });
}

/** Parses a notation back and reports whether it gives exactly `args`. */
export function roundTrips(args: RedisArg[], keySpecCount: number): string | null {
  const text = notationOf(args);
  const back = asRedisArgs(parseSyntax(text, keySpecCount));
  return JSON.stringify(back) === JSON.stringify(args) ? null : text;
}

/** A key spec as `COMMAND INFO` reports it. */
export interface RedisKeySpec {
  notes?: string;
  flags: string[];
  begin_search: { type: string; spec: Record<string, string | number> };
  find_keys: { type: string; spec: Record<string, number> };
}

/** Writes a key spec in the notation of key_specs.ts. */
export function keySpecNotation(ks: RedisKeySpec): string {
  const parts = [...ks.flags];
  const b = ks.begin_search;
  const f = ks.find_keys;
  if (b.type === "unknown" && f.type === "unknown") {
    parts.push("unknown");
  } else {
    if (b.type === "keyword") parts.push(`keyword:${b.spec.keyword}:${b.spec.startfrom}`);
    else if (b.type === "index" && b.spec.index !== 1) parts.push(`index:${b.spec.index}`);
    else if (b.type !== "index") throw new Error(`begin_search ${b.type}`);
    if (f.type === "keynum") {
      parts.push(`keynum:${f.spec.keynumidx}:${f.spec.firstkey}:${f.spec.keystep}`);
    } else if (f.type === "range") {
      const { lastkey, keystep, limit } = f.spec;
      if (limit !== 0) parts.push(`range:${lastkey}:${keystep}:${limit}`);
      else if (keystep !== 1) parts.push(`range:${lastkey}:${keystep}`);
      else if (lastkey !== 0) parts.push(`range:${lastkey}`);
    } else {
      throw new Error(`find_keys ${f.type}`);
    }
  }
  return parts.join(" ");
}

/** `COMMAND DOCS` fields of one command (RESP3 map turned into an object). */
export interface RedisDocs {
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  doc_flags?: string[];
  deprecated_since?: string;
  replaced_by?: string;
  history?: [string, string][];
  arguments?: RedisArg[];
}

/**
 * The fields of a Rift declaration (`command({...})`) for what redis-server
 * reports about a command: `info` is its `COMMAND INFO` entry (RESP3), `docs`
 * its `COMMAND DOCS` map. The handler, and ACL categories beyond those the
 * flags and group imply, are left to the author.
 */
export function declarationOf(info: unknown[], docs: RedisDocs): string {
  const q = (v: unknown) => JSON.stringify(v);
  const [fullName, arity, flags, , , , acl, tips, keySpecs] = info as [
    string,
    number,
    string[],
    number,
    number,
    number,
    string[],
    string[],
    RedisKeySpec[],
  ];
  const lines = [
    `name: ${q(String(fullName).split("|").pop())},`,
    `arity: ${arity},`,
    `flags: ${q(flags.filter((f) => f !== "movablekeys"))},`,
  ];
  if (keySpecs.length) {
    const specs = keySpecs.map((ks) =>
      ks.notes === undefined
        ? q(keySpecNotation(ks))
        : `{ spec: ${q(keySpecNotation(ks))}, notes: ${q(ks.notes)} }`
    );
    lines.push(`keySpecs: [${specs.join(", ")}],`);
  }
  lines.push(
    `group: ${q(docs.group)},`,
    `since: ${q(docs.since)},`,
    `summary: ${q(docs.summary)},`,
  );
  if (docs.complexity !== undefined) lines.push(`complexity: ${q(docs.complexity)},`);
  if (docs.doc_flags) lines.push(`docFlags: ${q(docs.doc_flags)},`);
  if (docs.deprecated_since) lines.push(`deprecatedSince: ${q(docs.deprecated_since)},`);
  if (docs.replaced_by) lines.push(`replacedBy: ${q(docs.replaced_by)},`);
  if (docs.history) lines.push(`history: ${q(docs.history)},`);
  if (tips.length) lines.push(`tips: ${q(tips)},`);
  if (docs.arguments) lines.push(`syntax: ${q(notationOf(docs.arguments))},`);
  lines.push(`// ACL categories reported by Redis: ${acl.join(" ")}`);
  return lines.join("\n");
}

/** Converts a parsed key spec back into `COMMAND INFO` form, for comparison. */
export function asRedisKeySpec(ks: KeySpec): RedisKeySpec {
  const out: RedisKeySpec = {
    flags: keyFlagNames(ks.flags),
    begin_search: { type: ks.begin.type, spec: {} },
    find_keys: { type: ks.find.type, spec: {} },
  };
  if (ks.notes !== undefined) out.notes = ks.notes;
  const b = ks.begin;
  if (b.type === "index") out.begin_search.spec = { index: b.index };
  if (b.type === "keyword") out.begin_search.spec = { keyword: b.keyword, startfrom: b.startFrom };
  const f = ks.find;
  if (f.type === "range") {
    out.find_keys.spec = { lastkey: f.lastKey, keystep: f.keyStep, limit: f.limit };
  }
  if (f.type === "keynum") {
    out.find_keys.spec = { keynumidx: f.keyNumIndex, firstkey: f.firstKey, keystep: f.keyStep };
  }
  return out;
}
