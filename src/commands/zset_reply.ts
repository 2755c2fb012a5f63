/**
 * Shared pieces of sorted-set command handlers: typed lookups, member and
 * score replies in RESP2/RESP3 shapes, and removing emptied keys with
 * Redis's notifications.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET } from "../server/notify_flags.ts";
import { TYPE_ZSET } from "../store/database.ts";
import type { ZSetValue } from "../store/zset.ts";
import { formatDouble } from "../util/numbers.ts";
import { deleteDestination, lookupTyped } from "./util.ts";

/**
 * Looks up a sorted set. Returns the value, null when the key is missing,
 * or undefined after writing WRONGTYPE.
 */
export function zsetAt(c: Client, key: Uint8Array, forWrite = false): ZSetValue | null | undefined {
  const id = lookupTyped(c, key, TYPE_ZSET, forWrite);
  if (id === -2) return undefined;
  return id < 0 ? null : c.db.object<ZSetValue>(id);
}

/**
 * Writes the header of a reply of `count` members, with scores when
 * `withScores`: one flat array in RESP2, an array of [member, score]
 * pairs in RESP3 (Redis avoids maps there to keep the order).
 */
export function membersHeader(c: Client, count: number, withScores: boolean): void {
  c.out.array(withScores && c.out.proto === 2 ? count * 2 : count);
}

/** Writes one member of a {@link membersHeader} reply. */
export function memberReply(c: Client, member: string, score: number, withScores: boolean): void {
  if (withScores && c.out.proto === 3) c.out.array(2);
  c.out.bulkLatin1(member);
  if (withScores) c.out.double(score);
}

/**
 * Ends a reply whose member count was unknown at the start (begun with
 * `beginDeferred`).
 */
export function endMembers(c: Client, mark: number, count: number, withScores: boolean): void {
  c.out.endDeferred(mark, "array", withScores && c.out.proto === 2 ? count * 2 : count);
}

/**
 * Deletes a key whose sorted set became empty and sends the `del` event
 * Redis sends after the command's own event.
 */
export function deleteIfEmpty(c: Client, key: Uint8Array, zset: ZSetValue): boolean {
  if (zset.size > 0) return false;
  c.db.delete(key);
  c.server.notify(NOTIFY_GENERIC, "del", key, c.db.index);
  return true;
}

const LISTPACK_INTEGER_LIMIT = 4611686018427387904; // LLONG_MAX / 2, as a double

/**
 * The text ZSCAN shows for a score. A listpack stores integral scores
 * within ±LLONG_MAX/2 as integers (shown without exponent), others as
 * `%.17g`; a skiplist always formats with `%.17g`.
 */
export function scanScoreText(score: number, listpack: boolean): string {
  if (
    listpack && Number.isInteger(score) && score >= -LISTPACK_INTEGER_LIMIT &&
    score <= LISTPACK_INTEGER_LIMIT
  ) {
    return Number.isSafeInteger(score) ? String(score) : BigInt(score).toString();
  }
  return formatDouble(score);
}

/**
 * Stores a computed set under `dst` (or deletes `dst` for an empty result)
 * and replies with the size, as Redis's store commands do.
 */
export function storeResult(
  c: Client,
  dst: Uint8Array,
  value: ZSetValue | null,
  event: string,
): void {
  const db = c.db;
  if (value !== null && value.size > 0) {
    db.setObject(dst, TYPE_ZSET, value);
    c.out.integer(value.size);
    c.server.wrote(db, dst, NOTIFY_ZSET, event);
    c.server.signalKeyAsReady(db, dst);
    return;
  }
  c.out.integer(0);
  deleteDestination(c, dst);
}
