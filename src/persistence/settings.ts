/**
 * What persistence reads from the configuration: paths in `dir`, how RDB
 * data is written and loaded (compression, checksum, LRU/LFU fields,
 * encoding limits), and the pacing of background snapshots.
 *
 * @module
 */

import { join } from "node:path";
import type { Server } from "../server/server.ts";
import { production } from "../server/production.ts";
import { hashLimitsFrom } from "../store/hash.ts";
import { setLimitsFrom } from "../store/set.ts";
import { zsetLimitsFrom } from "../store/zset.ts";
import { REDIS_COMPAT_VERSION } from "../version.ts";
import type { RdbLoadOptions } from "./rdb_loader.ts";
import { DEFAULT_PACING, type SnapshotPacing } from "./snapshot.ts";
import type { RdbSnapshotOptions } from "./snapshot_formats.ts";
import type { LoadLimits } from "./value_codecs.ts";

/** Settings every snapshot or load reads from the configuration. */
export class PersistenceSettings {
  constructor(private readonly server: Server) {}

  /** A path in `dir`. */
  inDir(name: string): string {
    return join(this.server.config.str("dir"), name);
  }

  /** Encodings of loaded values. */
  loadLimits(): LoadLimits {
    const config = this.server.config;
    return {
      hash: hashLimitsFrom(config),
      set: setLimitsFrom(config),
      zset: zsetLimitsFrom(config),
    };
  }

  /** The `maxmemory-policy`, when that directive exists. */
  private policy(): string {
    const config = this.server.config;
    return config.directive("maxmemory-policy") ? config.str("maxmemory-policy") : "noeviction";
  }

  /** How an RDB (file or AOF base) is written. */
  rdbOptions(aofBase: boolean): RdbSnapshotOptions {
    const config = this.server.config;
    const keyspace = this.server.keyspace;
    const policy = this.policy();
    return {
      compress: config.bool("rdbcompression"),
      listFill: config.int("list-max-listpack-size"),
      checksum: config.bool("rdbchecksum"),
      saveIdle: policy.endsWith("-lru"),
      saveFreq: policy.endsWith("-lfu"),
      aux: [
        ["redis-ver", REDIS_COMPAT_VERSION],
        ["redis-bits", "64"],
        ["ctime", String(Math.floor(keyspace.clock.now() / 1000))],
        ["used-mem", String(production(this.server).memory.used())],
        ["aof-base", aofBase ? "1" : "0"],
      ],
    };
  }

  /** How RDB data is loaded. */
  loadOptions(skipExpired: boolean): RdbLoadOptions {
    return {
      limits: this.loadLimits(),
      skipExpired,
      verifyChecksum: this.server.config.bool("rdbchecksum"),
      lfuPolicy: this.policy().endsWith("-lfu"),
      notice: (message) => this.server.log.notice(message),
    };
  }

  /** Pacing of background snapshots (`rdb-key-save-delay` slows them for tests). */
  pacing(): SnapshotPacing {
    const config = this.server.config;
    return {
      ...DEFAULT_PACING,
      keyDelayMicros: () => Math.max(0, config.int("rdb-key-save-delay")),
    };
  }

  /** `key-load-delay` in microseconds (slows loading for tests). */
  keyLoadDelay(): number {
    return Math.max(0, this.server.config.int("key-load-delay"));
  }
}

let tempCounter = 0;

/** A temporary file name in the style of Redis's `temp-<pid>.rdb`, unique in the process. */
export function tempName(kind: string): string {
  return `temp-${kind}${Deno.pid}-${++tempCounter}.rdb`;
}
