/**
 * Human mode (`human-mode yes`, `rift --human`): a connection whose first
 * byte is not `*` (a RESP array) is taken to be a person typing over
 * telnet, nc or socat, and gets a {@link HumanSession}. RESP clients on the
 * same port never send anything else first, so they are unaffected. With
 * human mode off, inline commands keep Redis's behaviour (RESP replies).
 *
 * @module
 */

import type { Server } from "../server/server.ts";
import { HumanSession } from "./session.ts";

const RESP_ARRAY = 42; // '*'

/** Server module: offers human sessions to non-RESP connections while `human-mode` is on. */
export function installHumanMode(server: Server): void {
  server.protocolDetectors.push((c, firstBytes) =>
    server.config.bool("human-mode") && firstBytes[0] !== RESP_ARRAY ? new HumanSession(c) : null
  );
}
