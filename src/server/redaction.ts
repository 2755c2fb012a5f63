/**
 * Which arguments of a command are secrets that MONITOR and the slow log
 * must show as `(redacted)`, as Redis 7 redacts them: AUTH's arguments,
 * HELLO's and MIGRATE's credentials, the values of sensitive directives
 * in CONFIG SET, and ACL SETUSER's rules.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { isKeyword, lowerAscii } from "../util/bytes.ts";

const NONE: ReadonlySet<number> = new Set();

/** Positions of `argv` to redact for the command with full name `name` (`config|set`). */
export function redactedPositions(
  name: string,
  argv: Uint8Array[],
  config: Config,
): ReadonlySet<number> {
  switch (name) {
    case "auth":
      return range(1, argv.length);
    case "hello":
      for (let j = 2; j + 2 < argv.length; j++) {
        if (isKeyword(argv[j], "auth")) return new Set([j + 1, j + 2]);
      }
      return NONE;
    case "migrate": {
      const out = new Set<number>();
      for (let j = 6; j < argv.length; j++) {
        if (isKeyword(argv[j], "auth") && j + 1 < argv.length) out.add(j + 1);
        else if (isKeyword(argv[j], "auth2") && j + 2 < argv.length) out.add(j + 1).add(j + 2);
      }
      return out;
    }
    case "config|set": {
      const out = new Set<number>();
      for (let j = 2; j + 1 < argv.length; j += 2) {
        if (config.directive(lowerAscii(argv[j]))?.sensitive) out.add(j + 1);
      }
      return out;
    }
    case "acl|setuser":
      return range(3, argv.length);
    default:
      return NONE;
  }
}

function range(from: number, to: number): ReadonlySet<number> {
  const out = new Set<number>();
  for (let j = from; j < to; j++) out.add(j);
  return out;
}
