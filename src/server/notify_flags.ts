/**
 * Keyspace notification classes (`notify-keyspace-events`), with Redis's
 * letters and bit values.
 *
 * @module
 */

/** `K`: publish on `__keyspace@<db>__:<key>`. */
export const NOTIFY_KEYSPACE = 1 << 0;
/** `E`: publish on `__keyevent@<db>__:<event>`. */
export const NOTIFY_KEYEVENT = 1 << 1;
/** `g`: generic commands (DEL, EXPIRE, RENAME...). */
export const NOTIFY_GENERIC = 1 << 2;
/** `$`: string commands. */
export const NOTIFY_STRING = 1 << 3;
/** `l`: list commands. */
export const NOTIFY_LIST = 1 << 4;
/** `s`: set commands. */
export const NOTIFY_SET = 1 << 5;
/** `h`: hash commands. */
export const NOTIFY_HASH = 1 << 6;
/** `z`: sorted set commands. */
export const NOTIFY_ZSET = 1 << 7;
/** `x`: expired events. */
export const NOTIFY_EXPIRED = 1 << 8;
/** `e`: evicted events. */
export const NOTIFY_EVICTED = 1 << 9;
/** `t`: stream commands. */
export const NOTIFY_STREAM = 1 << 10;
/** `m`: key-miss events (not part of `A`). */
export const NOTIFY_KEY_MISS = 1 << 11;
/** `d`: module events. */
export const NOTIFY_MODULE = 1 << 13;
/** `n`: new-key events (not part of `A`). */
export const NOTIFY_NEW = 1 << 14;
/** `A`: alias for `g$lshzxetd`. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET |
  NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const LETTERS: [string, number][] = [
  ["g", NOTIFY_GENERIC],
  ["$", NOTIFY_STRING],
  ["l", NOTIFY_LIST],
  ["s", NOTIFY_SET],
  ["h", NOTIFY_HASH],
  ["z", NOTIFY_ZSET],
  ["x", NOTIFY_EXPIRED],
  ["e", NOTIFY_EVICTED],
  ["t", NOTIFY_STREAM],
  ["d", NOTIFY_MODULE],
];

/** Parses a class string; returns -1 on an unknown character. */
export function parseNotifyFlags(text: string): number {
  let flags = 0;
  for (const ch of text) {
    const letter = LETTERS.find(([l]) => l === ch);
    if (letter) flags |= letter[1];
    else if (ch === "A") flags |= NOTIFY_ALL;
    else if (ch === "K") flags |= NOTIFY_KEYSPACE;
    else if (ch === "E") flags |= NOTIFY_KEYEVENT;
    else if (ch === "m") flags |= NOTIFY_KEY_MISS;
    else if (ch === "n") flags |= NOTIFY_NEW;
    else return -1;
  }
  return flags;
}

/**
 * Formats flags as Redis 7.0's `CONFIG GET` does: `A` when every class of
 * `A` is on, otherwise the class letters followed by `n`; then `K`, `E`,
 * `m`. (So `n` is not shown next to `A`: `KEAn` reads back as `AKE`.)
 */
export function formatNotifyFlags(flags: number): string {
  let out = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out = "A";
  else {
    for (const [letter, bit] of LETTERS) if (flags & bit) out += letter;
    if (flags & NOTIFY_NEW) out += "n";
  }
  if (flags & NOTIFY_KEYSPACE) out += "K";
  if (flags & NOTIFY_KEYEVENT) out += "E";
  if (flags & NOTIFY_KEY_MISS) out += "m";
  return out;
}
