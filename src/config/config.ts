/**
 * Runtime configuration: current values of every directive, loading from
 * redis.conf-style files and command-line flags, `CONFIG GET` with glob
 * patterns, atomic multi-pair `CONFIG SET`, and `CONFIG REWRITE`.
 *
 * @module
 */

import { DIRECTIVES } from "./directives.ts";
import type { ConfigValue, Directive } from "./types.ts";
import { splitInlineArgs } from "../resp/inline.ts";
import { globMatch } from "../util/glob.ts";
import { latin1, latin1Bytes } from "../util/bytes.ts";

/** A bad directive or value, with Redis's wording. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Called after a directive changes at runtime; may throw to veto (the change is rolled back). */
export type ConfigListener = (value: ConfigValue, previous: ConfigValue) => void;

/** One line of a config source, for error messages. */
interface SourceLine {
  file: string;
  line: number;
  text: string;
}

/** The live configuration of one server. */
export class Config {
  private readonly byName = new Map<string, Directive>();
  private readonly values = new Map<string, ConfigValue>();
  private readonly listeners = new Map<string, ConfigListener[]>();
  /** Directives set explicitly (file or flags), for CONFIG REWRITE. */
  private readonly explicit = new Set<string>();
  /** Path of the config file in use, if any. */
  configFile: string | null = null;
  /** `rename-command` entries from the config file: original name → new name ("" = disabled). */
  readonly renamedCommands = new Map<string, string>();
  /** Counts changes of any value, so hot paths can cache what they derive (see {@link derived}). */
  generation = 0;

  constructor(directives: readonly Directive[] = DIRECTIVES) {
    for (const d of directives) {
      this.byName.set(d.name, d);
      for (const alias of d.aliases ?? []) this.byName.set(alias, d);
      const parsed = d.parse(d.default);
      if (!parsed.ok) throw new Error(`Bad default for ${d.name}: ${parsed.error}`);
      this.values.set(d.name, parsed.value);
    }
  }

  /** The directive with this name or alias. */
  directive(name: string): Directive | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every distinct directive. */
  all(): Directive[] {
    return [...new Set(this.byName.values())];
  }

  /** Current value of a directive. */
  get(name: string): ConfigValue {
    const d = this.byName.get(name);
    if (!d) throw new Error(`Unknown directive ${name}`);
    return this.values.get(d.name)!;
  }

  /** Current value of an integer/memory directive. */
  int(name: string): number {
    return this.get(name) as number;
  }

  /** Current value of a yes/no directive. */
  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  /** Current value of a text/enum directive. */
  str(name: string): string {
    return this.get(name) as string;
  }

  /** Current value formatted as `CONFIG GET` shows it. */
  formatted(name: string): string {
    const d = this.byName.get(name)!;
    return d.format(this.values.get(d.name)!);
  }

  /** Registers a listener for runtime changes of a directive. */
  onChange(name: string, listener: ConfigListener): void {
    const d = this.byName.get(name);
    if (!d) throw new Error(`Unknown directive ${name}`);
    const list = this.listeners.get(d.name) ?? [];
    list.push(listener);
    this.listeners.set(d.name, list);
  }

  /**
   * Sets directives at startup (file and flags): immutable ones allowed.
   * Accumulating directives (`save`) add to what earlier lines set, except
   * that the first explicit line replaces the default.
   */
  applyStartup(name: string, args: string[], where: string): void {
    const d = this.byName.get(name.toLowerCase());
    if (!d) throw new ConfigError(`${where}: Bad directive or wrong number of arguments`);
    const textValue = args.join(" ");
    const previous = d.accumulates && this.explicit.has(d.name)
      ? this.values.get(d.name)
      : undefined;
    const seeded = d.name === "client-output-buffer-limit" && previous === undefined
      ? this.values.get(d.name)
      : previous;
    const parsed = d.accumulates ? d.parse(textValue, seeded) : d.parse(textValue);
    if (!parsed.ok) throw new ConfigError(`${where}: ${parsed.error}`);
    this.values.set(d.name, parsed.value);
    this.generation++;
    this.explicit.add(d.name);
  }

  /**
   * `CONFIG SET` with one or more pairs: all are validated first, then all
   * applied; if a listener rejects a change, every change is rolled back.
   * Throws {@link ConfigError} with Redis's message.
   */
  setMany(pairs: [string, string][]): void {
    const seen = new Set<string>();
    const planned: [Directive, ConfigValue][] = [];
    for (const [name] of pairs) {
      const d = this.byName.get(name.toLowerCase());
      if (!d) {
        throw new ConfigError(
          `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
        );
      }
    }
    for (const [name, textValue] of pairs) {
      const d = this.byName.get(name.toLowerCase())!;
      const fail = (why: string) =>
        new ConfigError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
      if (seen.has(d.name)) throw fail("duplicate parameter");
      seen.add(d.name);
      if (!d.mutable) throw fail("can't set immutable config");
      const parsed = d.name === "client-output-buffer-limit"
        ? d.parse(textValue, this.values.get(d.name))
        : d.parse(textValue);
      if (!parsed.ok) throw fail(parsed.error);
      planned.push([d, parsed.value]);
    }
    const applied: [Directive, ConfigValue][] = [];
    for (const [d, value] of planned) {
      const previous = this.values.get(d.name)!;
      this.values.set(d.name, value);
      this.generation++;
      applied.push([d, previous]);
      try {
        for (const listener of this.listeners.get(d.name) ?? []) listener(value, previous);
      } catch (e) {
        for (const [rd, old] of applied.reverse()) {
          const now = this.values.get(rd.name)!;
          this.values.set(rd.name, old);
          this.generation++;
          for (const listener of this.listeners.get(rd.name) ?? []) {
            try {
              listener(old, now);
            } catch {
              // Restoring the old value must not fail; ignore a second veto.
            }
          }
        }
        const name = pairs.find(([n]) => this.byName.get(n.toLowerCase()) === d)![0];
        throw new ConfigError(
          `ERR CONFIG SET failed (possibly related to argument '${name}') - ${
            (e as Error).message
          }`,
        );
      }
      this.explicit.add(d.name);
    }
  }

  /** `CONFIG GET` for several glob patterns: name/value pairs, each name once. */
  getMatching(patterns: string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const pattern of patterns) {
      const lower = pattern.toLowerCase();
      const exact = this.byName.get(lower);
      if (exact && !/[*?[\\]/.test(lower)) {
        out.set(lower, exact.format(this.values.get(exact.name)!));
        continue;
      }
      const p = latin1Bytes(lower);
      for (const [name, d] of this.byName) {
        if (globMatch(p, latin1Bytes(name), true)) {
          out.set(name, d.format(this.values.get(d.name)!));
        }
      }
    }
    return [...out];
  }

  /** Loads a redis.conf-style file (with `include`). */
  async loadFile(path: string): Promise<void> {
    this.configFile = this.configFile ?? path;
    const lines = await readConfigLines(path, 0);
    for (const line of lines) this.applyLine(line);
  }

  /** Applies one `name arg...` directive line from a file. */
  private applyLine(line: SourceLine): void {
    const where = `'${line.text}' (${line.file}:${line.line})`;
    const args = splitInlineArgs(latin1Bytes(line.text));
    if (args === null) throw new ConfigError(`${where}: Unbalanced quotes in configuration line`);
    if (args.length === 0) return;
    const name = latin1(args[0]).toLowerCase();
    const rest = args.slice(1).map((a) => new TextDecoder().decode(a));
    if (name === "rename-command") {
      if (rest.length !== 2) throw new ConfigError(`${where}: wrong number of arguments`);
      this.renamedCommands.set(rest[0].toLowerCase(), rest[1]);
      return;
    }
    if (rest.length === 0 && name !== "save" && !this.byName.get(name)?.accumulates) {
      throw new ConfigError(`${where}: wrong number of arguments`);
    }
    this.applyStartup(name, rest, where);
  }

  /**
   * `CONFIG REWRITE`: rewrites the config file with the current values,
   * keeping comments and unrelated lines, replacing changed directives in
   * place and appending the rest. Written to a temp file and renamed.
   * Synchronous like Redis's: it is a rare administrative command.
   */
  rewrite(): void {
    const path = this.configFile;
    if (path === null) throw new ConfigError("ERR The server is running without a config file");
    let original: string[] = [];
    try {
      original = Deno.readTextFileSync(path).split("\n");
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const written = new Set<string>();
    const out: string[] = [];
    for (const line of original) {
      const trimmed = line.trim();
      const name = trimmed.split(/\s+/)[0]?.toLowerCase() ?? "";
      const d = trimmed.startsWith("#") ? undefined : this.byName.get(name);
      if (!d) {
        if (trimmed !== "# Generated by CONFIG REWRITE") out.push(line);
        continue;
      }
      if (written.has(d.name)) continue;
      written.add(d.name);
      out.push(...this.rewriteLines(d));
    }
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    const extra: string[] = [];
    for (const d of this.all()) {
      if (written.has(d.name) || !this.explicitOrChanged(d)) continue;
      extra.push(...this.rewriteLines(d));
    }
    if (extra.length > 0) out.push("# Generated by CONFIG REWRITE", ...extra);
    const tmp = `${path}.tmp-${Deno.pid}`;
    Deno.writeTextFileSync(tmp, out.join("\n") + "\n");
    Deno.renameSync(tmp, path);
  }

  private explicitOrChanged(d: Directive): boolean {
    if (this.explicit.has(d.name)) return true;
    const def = d.parse(d.default);
    return def.ok && d.format(def.value) !== d.format(this.values.get(d.name)!);
  }

  private rewriteLines(d: Directive): string[] {
    const value = d.format(this.values.get(d.name)!);
    if (d.name === "save" && value === "") return ['save ""'];
    if (d.name === "client-output-buffer-limit") {
      const parts = value.split(" ");
      const lines: string[] = [];
      for (let i = 0; i < parts.length; i += 4) {
        lines.push(`${d.name} ${parts.slice(i, i + 4).join(" ")}`);
      }
      return lines;
    }
    if (d.name === "save") {
      const parts = value.split(" ");
      const lines: string[] = [];
      for (let i = 0; i < parts.length; i += 2) lines.push(`save ${parts[i]} ${parts[i + 1]}`);
      return lines;
    }
    return [`${d.name} ${quoteConfigArg(value)}`];
  }
}

/** Quotes a value for a config file when it is empty or has spaces or quotes. */
function quoteConfigArg(value: string): string {
  if (value === "") return '""';
  if (!/[\s"'\\]/.test(value)) return value;
  return '"' + value.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

async function readConfigLines(path: string, depth: number): Promise<SourceLine[]> {
  if (depth > 16) throw new ConfigError(`${path}: include nesting too deep`);
  let content: string;
  try {
    content = await Deno.readTextFile(path);
  } catch (e) {
    throw new ConfigError(`Can't open config file '${path}': ${(e as Error).message}`);
  }
  const out: SourceLine[] = [];
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const first = trimmed.split(/\s+/)[0].toLowerCase();
    if (first === "include") {
      const args = splitInlineArgs(latin1Bytes(trimmed));
      if (args === null || args.length !== 2) {
        throw new ConfigError(`'${trimmed}' (${path}:${i + 1}): wrong number of arguments`);
      }
      // Like Redis, a relative include is relative to the working directory.
      const target = new TextDecoder().decode(args[1]);
      out.push(...await readConfigLines(target, depth + 1));
      continue;
    }
    out.push({ file: path, line: i + 1, text: trimmed });
  }
  return out;
}

/**
 * Wraps a function of the configuration (encoding limits read on every
 * write) so that it runs again only when some value changed: per call the
 * cost is two comparisons instead of map lookups by directive name.
 */
export function derived<T>(derive: (config: Config) => T): (config: Config) => T {
  let source: Config | null = null;
  let generation = -1;
  let value: T;
  return (config) => {
    if (config !== source || config.generation !== generation) {
      value = derive(config);
      source = config;
      generation = config.generation;
    }
    return value;
  };
}
