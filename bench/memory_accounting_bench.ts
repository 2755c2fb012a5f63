/**
 * Cost of memory accounting and the maxmemory check on the write path
 * (see docs/adr/0004-memory-accounting.md): the accounted figure, the
 * admission fast path, re-measuring a written key, and a whole SET through
 * dispatch with and without a memory limit.
 */

import { Config } from "../src/config/config.ts";
import { Server } from "../src/server/server.ts";
import { installProduction, production } from "../src/server/production.ts";
import { utf8 } from "../src/util/bytes.ts";

function makeServer(maxmemory: number, withProduction = true): Server {
  const config = new Config();
  config.applyStartup("maxmemory", [String(maxmemory)], "bench");
  config.applyStartup("maxmemory-policy", ["allkeys-lru"], "bench");
  const server = new Server(config);
  if (withProduction) installProduction(server);
  return server;
}

const KEYS = 100_000;
const keys = Array.from({ length: KEYS }, (_, i) => utf8(`key:${i}`));
const value = utf8("x".repeat(64));
const SET = utf8("SET");

{
  // Baseline: the core alone, without the production hooks.
  const server = makeServer(0, false);
  const client = server.createClient(null);
  for (const key of keys) server.execute(client, [SET, key, value]);
  client.out.truncate(0);
  let i = 0;
  Deno.bench("SET through dispatch (core only, no hooks)", { group: "set", baseline: true }, () => {
    server.execute(client, [SET, keys[i++ % KEYS], value]);
    client.out.truncate(0);
  });
}

for (const maxmemory of [0, 1024 * 1024 * 1024]) {
  const server = makeServer(maxmemory);
  const client = server.createClient(null);
  for (const key of keys) server.execute(client, [SET, key, value]);
  client.out.truncate(0);
  const { memory, evictor } = production(server);
  const label = maxmemory === 0 ? "no limit" : "maxmemory 1gb";
  let i = 0;

  Deno.bench(`SET through dispatch (${label})`, { group: "set" }, () => {
    server.execute(client, [SET, keys[i++ % KEYS], value]);
    client.out.truncate(0);
  });
  if (maxmemory > 0) {
    Deno.bench("accounted used memory", { group: "parts" }, () => {
      memory.used();
    });
    Deno.bench("eviction check under the limit", { group: "parts" }, () => {
      evictor.performEvictions();
    });
    Deno.bench("re-measure a written key", { group: "parts" }, () => {
      memory.remeasureKey(server.db(0), keys[i++ % KEYS], true);
    });
  }
}
