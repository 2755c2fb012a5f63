/**
 * Settings derived from the configuration on the hot path (encoding limits)
 * are recomputed exactly when a value changed: CONFIG SET, a rolled-back
 * CONFIG SET, a startup directive, or another server's configuration.
 */

import { assertEquals } from "../helpers/assert.ts";
import { Config, ConfigError, derived } from "../../src/config/config.ts";

Deno.test("config: derived settings follow every change and only then recompute", () => {
  let computed = 0;
  const limit = derived((config) => {
    computed++;
    return config.int("hash-max-listpack-entries");
  });
  const a = new Config();
  assertEquals([limit(a), limit(a), computed], [512, 512, 1]);
  a.setMany([["hash-max-listpack-entries", "7"]]);
  assertEquals([limit(a), limit(a), computed], [7, 7, 2]);
  // An unrelated change recomputes too (cheap, and never stale).
  a.setMany([["maxmemory", "100mb"]]);
  assertEquals([limit(a), computed], [7, 3]);
  // A CONFIG SET rejected by a listener is rolled back: the old value again.
  a.onChange("hash-max-listpack-value", () => {
    throw new Error("refused");
  });
  let rejected = false;
  try {
    a.setMany([["hash-max-listpack-entries", "9"], ["hash-max-listpack-value", "10"]]);
  } catch (e) {
    rejected = e instanceof ConfigError;
  }
  assertEquals([rejected, limit(a)], [true, 7]);
  // Startup directives count, and a second configuration has its own value.
  a.applyStartup("hash-max-listpack-entries", ["11"], "test");
  const b = new Config();
  b.applyStartup("hash-max-listpack-entries", ["3"], "test");
  assertEquals([limit(a), limit(b), limit(a)], [11, 3, 11]);
});
