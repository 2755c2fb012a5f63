/**
 * `COMMAND` replies (clients such as node-redis and redis-py ask for
 * `COMMAND` or `COMMAND DOCS` on connect): served from bytes rendered once
 * per protocol, so each call costs a copy.
 *
 * @module
 */

import { encodeCommand } from "../tests/helpers/client.ts";
import { Config } from "../src/config/config.ts";
import { Server } from "../src/server/server.ts";
import { Logger } from "../src/server/log.ts";

const server = new Server(new Config(), { logger: new Logger("warning", "", { capture: true }) });
const resp2 = server.createClient(null);
const resp3 = server.createClient(null);
resp3.out.proto = 3;

function run(client: typeof resp2, bytes: Uint8Array): void {
  client.out.truncate(0);
  client.parser.feed(bytes);
  client.processInput();
}

const command = encodeCommand(["COMMAND"]);
const docs = encodeCommand(["COMMAND", "DOCS"]);
const infoFew = encodeCommand(["COMMAND", "INFO", "get", "set", "zunionstore", "client|kill"]);
const getkeys = encodeCommand(["COMMAND", "GETKEYSANDFLAGS", "ZUNIONSTORE", "d", "2", "a", "b"]);

Deno.bench("COMMAND (RESP2)", { group: "command" }, () => run(resp2, command));
Deno.bench("COMMAND (RESP3)", { group: "command" }, () => run(resp3, command));
Deno.bench("COMMAND DOCS (RESP2)", { group: "command" }, () => run(resp2, docs));
Deno.bench("COMMAND DOCS (RESP3)", { group: "command" }, () => run(resp3, docs));
Deno.bench("COMMAND INFO of 4 commands", { group: "command" }, () => run(resp2, infoFew));
Deno.bench("COMMAND GETKEYSANDFLAGS ZUNIONSTORE", { group: "command" }, () => run(resp2, getkeys));
