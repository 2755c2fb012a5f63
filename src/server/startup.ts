/**
 * Builds and starts a server from a configuration: creates it, runs the
 * startup modules, opens the listeners, then runs the startup tasks the
 * modules registered (loading the dataset while clients get `-LOADING`).
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { SERVER_MODULES } from "./modules.ts";
import { Server, type ServerOptions } from "./server.ts";

/**
 * Creates a server, initialises its modules, starts listening and runs the
 * startup tasks. If a task fails (a corrupt data file), the server is shut
 * down and the error rethrown; a shutdown while the dataset loads (SHUTDOWN,
 * or a signal through `created`'s server) stops the load and rejects with
 * `LoadingStopped` (src/persistence/loading.ts). `created` gets the server
 * as soon as it exists.
 */
export async function startServerWith(
  config: Config,
  options: ServerOptions = {},
  created?: (server: Server) => void,
): Promise<Server> {
  const server = new Server(config, options);
  created?.(server);
  for (const init of SERVER_MODULES) await init(server);
  server.listen();
  try {
    for (const task of server.startupTasks) await task();
  } catch (e) {
    await server.shutdown({ save: false, force: true });
    throw e;
  }
  return server;
}
