/**
 * Every command family, assembled into the table the server dispatches on.
 * A new family is a file exporting a `CommandSpec[]`, added here.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";
import { CONNECTION_COMMANDS } from "./connection.ts";
import { INTROSPECTION_COMMANDS } from "./introspection.ts";
import { KEY_COMMANDS } from "./keys.ts";
import { SERVER_COMMANDS } from "./server_admin.ts";
import { STRING_COMMANDS } from "./strings.ts";
import { ZSET_COMMANDS } from "./zsets.ts";

/** All command specs. */
export const ALL_COMMANDS: readonly CommandSpec[] = [
  ...CONNECTION_COMMANDS,
  ...INTROSPECTION_COMMANDS,
  ...SERVER_COMMANDS,
  ...KEY_COMMANDS,
  ...STRING_COMMANDS,
  ...ZSET_COMMANDS,
];
