/**
 * Every command family, assembled into the table the server dispatches on.
 * A new family is a file exporting a `CommandSpec[]`, added here.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";
import { BITMAP_COMMANDS } from "./bitmaps.ts";
import { CONNECTION_COMMANDS } from "./connection.ts";
import { DIAGNOSTIC_COMMANDS } from "./diagnostics.ts";
import { INTROSPECTION_COMMANDS } from "./introspection.ts";
import { KEY_COMMANDS } from "./keys.ts";
import { PUBSUB_COMMANDS } from "./pubsub.ts";
import { LIST_COMMANDS } from "./lists.ts";
import { SERVER_COMMANDS } from "./server_admin.ts";
import { STRING_COMMANDS } from "./strings.ts";
import { TRANSACTION_COMMANDS } from "./transactions.ts";
import { HASH_COMMANDS } from "./hashes.ts";
import { SET_COMMANDS } from "./sets.ts";
import { SORT_COMMANDS } from "./sort.ts";
import { ZSET_COMMANDS } from "./zsets.ts";
import { PERSISTENCE_COMMANDS } from "./persistence.ts";
import { HYPERLOGLOG_COMMANDS } from "./hyperloglog.ts";
import { GEO_COMMANDS } from "./geo.ts";

/** All command specs. */
export const ALL_COMMANDS: readonly CommandSpec[] = [
  ...CONNECTION_COMMANDS,
  ...INTROSPECTION_COMMANDS,
  ...SERVER_COMMANDS,
  ...KEY_COMMANDS,
  ...STRING_COMMANDS,
  ...TRANSACTION_COMMANDS,
  ...PUBSUB_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...BITMAP_COMMANDS,
  ...LIST_COMMANDS,
  ...DIAGNOSTIC_COMMANDS,
  ...SORT_COMMANDS,
  ...ZSET_COMMANDS,
  ...PERSISTENCE_COMMANDS,
  ...HYPERLOGLOG_COMMANDS,
  ...GEO_COMMANDS,
];
