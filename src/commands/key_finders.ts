/**
 * Key finders: Redis's own key-finding procedures, for the commands whose
 * key specs cannot tell every call's keys or flags (see `KeyFinder` in
 * spec.ts). `COMMAND GETKEYS` falls back on them exactly where Redis does,
 * so they follow Redis's parsing, leniencies included (key counts are read
 * with C's `atoi`).
 *
 * @module
 */

import type { KeyFinder, KeyRef } from "./spec.ts";
import { cAtoi, cStringIs, KEY_ACCESS, KEY_OW, KEY_RO, KEY_RW, KEY_UPDATE } from "./key_specs.ts";

/**
 * Commands with a key count (`ZUNION numkeys key ...`, `LMPOP`,
 * `SINTERCARD`...): `count` keys from `countAt + 1`, then the destination
 * at `storeAt` if there is one. No keys when the count is below 1 or
 * exceeds the arguments. Redis reports these keys without flags.
 */
export function numkeysFinder(countAt: number, storeAt = 0): KeyFinder {
  const firstAt = countAt + 1;
  return (argv) => {
    const count = cAtoi(argv[countAt]);
    if (count < 1 || count > argv.length - firstAt) return [];
    const keys: KeyRef[] = [];
    for (let i = 0; i < count; i++) keys.push({ pos: firstAt + i, flags: 0 });
    if (storeAt > 0) keys.push({ pos: storeAt, flags: 0 });
    return keys;
  };
}

/** SET: the key is read (RW access) only with `GET`; otherwise it is overwritten. */
export const setKeys: KeyFinder = (argv) => {
  for (let i = 3; i < argv.length; i++) {
    if (cStringIs(argv[i], "get")) return [{ pos: 1, flags: KEY_RW | KEY_ACCESS | KEY_UPDATE }];
  }
  return [{ pos: 1, flags: KEY_OW | KEY_UPDATE }];
};

/**
 * BITFIELD: read-only (RO access) when every operation is a complete `GET`
 * (or `OVERFLOW`); any write, or anything malformed, makes it RW.
 */
export const bitfieldKeys: KeyFinder = (argv) => {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const remaining = argv.length - i - 1;
    const arg = argv[i];
    if (cStringIs(arg, "get") && remaining >= 2) {
      i += 2;
    } else if (cStringIs(arg, "overflow") && remaining >= 1) {
      i += 1;
    } else {
      readonly = false;
      break;
    }
  }
  const flags = readonly ? KEY_RO | KEY_ACCESS : KEY_RW | KEY_ACCESS | KEY_UPDATE;
  return [{ pos: 1, flags }];
};

/**
 * SORT: the sorted key, and the destination of the last `STORE`, found by
 * skipping `LIMIT`'s two arguments and `BY`'s and `GET`'s one.
 */
export const sortKeys: KeyFinder = (argv) => {
  let store = 0;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (cStringIs(arg, "limit")) i += 2;
    else if (cStringIs(arg, "get") || cStringIs(arg, "by")) i += 1;
    else if (cStringIs(arg, "store") && i + 1 < argv.length) store = i + 1;
  }
  const keys: KeyRef[] = [{ pos: 1, flags: KEY_RO | KEY_ACCESS }];
  if (store > 0) keys.push({ pos: store, flags: KEY_OW | KEY_UPDATE });
  return keys;
};

/** SORT_RO: just the sorted key (its BY/GET patterns name no keys one can list). */
export const sortReadOnlyKeys: KeyFinder = () => [{ pos: 1, flags: KEY_RO | KEY_ACCESS }];
