/**
 * The shape of a configuration directive. One table of these
 * (`directives.ts`) serves the config file, command-line flags,
 * `CONFIG GET`, `CONFIG SET` and `CONFIG REWRITE`.
 *
 * @module
 */

/** A parsed directive value. */
export type ConfigValue = string | number | boolean | unknown[] | Record<string, unknown>;

/** Result of parsing text: the value, or an error message in Redis's words. */
export type ParseResult = { ok: true; value: ConfigValue } | { ok: false; error: string };

/** One configuration directive. */
export interface Directive {
  /** Canonical lower-case name, as `CONFIG GET` reports it. */
  name: string;
  /** Older names accepted everywhere (e.g. `hash-max-ziplist-entries`). */
  aliases?: string[];
  /** Default, written as it would be in redis.conf. */
  default: string;
  /** False for directives that can only be set at startup (`databases`). */
  mutable: boolean;
  /** Never echoed back in logs (`requirepass`). */
  sensitive?: boolean;
  /**
   * True when the directive may appear several times in a config file and
   * each line adds to the value (`save`, `client-output-buffer-limit`).
   */
  accumulates?: boolean;
  /** Parses text into a value; `previous` is passed for accumulating directives. */
  parse(text: string, previous?: ConfigValue): ParseResult;
  /** Formats a value the way `CONFIG GET` shows it. */
  format(value: ConfigValue): string;
  /** Short description for `--help`. */
  help?: string;
}
