/**
 * Builds and starts a server from a configuration: creates it, runs the
 * startup modules (which may load a dataset), then opens the listeners.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { SERVER_MODULES } from "./modules.ts";
import { Server, type ServerOptions } from "./server.ts";

/** Creates a server, initialises its modules and starts listening. */
export async function startServerWith(
  config: Config,
  options: ServerOptions = {},
): Promise<Server> {
  const server = new Server(config, options);
  for (const init of SERVER_MODULES) await init(server);
  server.listen();
  return server;
}
