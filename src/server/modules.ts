/**
 * Server modules that plug into the core at startup: each registers its
 * hooks (cron, propagation sinks, shutdown, admission checks, INFO
 * sections) and may load data before the server accepts clients.
 *
 * @module
 */

import { installProduction } from "./production.ts";
import type { Server } from "./server.ts";
import { installHumanMode } from "../human/mod.ts";
import { trackEvictionPolicy } from "../commands/keys.ts";
import { persistenceModule } from "../persistence/persistence.ts";

/** Initialises one optional part of the server. */
export type ServerModule = (server: Server) => Promise<void> | void;

/** Modules run in order at startup, before the listeners open. */
export const SERVER_MODULES: ServerModule[] = [
  installProduction,
  trackEvictionPolicy,
  installHumanMode,
  persistenceModule,
];
