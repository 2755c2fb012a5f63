/**
 * The long version of the mixed-workload differential fuzzer: many seeds,
 * each a fresh embedded Rift and redis-server driven through the same
 * random sequence over every type (see `tests/helpers/mixed_runner.ts`).
 * A difference is printed with the seed, the step and the last commands,
 * and the soak goes on with the next seed.
 *
 *   deno run -A scripts/mixed_soak.ts [--seeds 20] [--first 1] [--steps 5000] [--small] [--check-every 250]
 *       [--persistence rdb|aof]
 *
 * `--small` alternates default encoding limits with tiny ones (every
 * collection converts after a few elements). `--persistence` adds SAVE,
 * BGSAVE, BGREWRITEAOF and DEBUG RELOAD at random points, each file checked
 * by loading it into fresh servers, and a restart at the end.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { formatCounts, runMixed } from "../tests/helpers/mixed_runner.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "20" },
    first: { type: "string", default: "1" },
    steps: { type: "string", default: "5000" },
    small: { type: "boolean", default: false },
    "check-every": { type: "string", default: "250" },
    persistence: { type: "string", default: "" },
  },
});

/** Encoding limits small enough that collections change encoding within a run. */
export const SMALL_LIMITS: Record<string, string> = {
  "hash-max-listpack-entries": "4",
  "hash-max-listpack-value": "8",
  "set-max-intset-entries": "4",
  "zset-max-listpack-entries": "4",
  "zset-max-listpack-value": "8",
  "list-max-listpack-size": "4",
};

const LAZYFREE = [
  "lazyfree-lazy-user-del",
  "lazyfree-lazy-server-del",
  "lazyfree-lazy-expire",
  "lazyfree-lazy-user-flush",
];

let total = 0;
let failures = 0;
const first = Number(values.first);
for (let seed = first; seed < first + Number(values.seeds); seed++) {
  const directives = values.small && seed % 2 === 0 ? { ...SMALL_LIMITS } : {};
  // Lazy freeing changes what is propagated (UNLINK for DEL): alternate it too.
  if (values.small && seed % 3 === 0) {
    for (const name of LAZYFREE) directives[name] = "yes";
  }
  const started = performance.now();
  try {
    const stats = await runMixed({
      seed,
      steps: Number(values.steps),
      directives,
      checkEvery: Number(values["check-every"]),
      persistence: values.persistence === "rdb" || values.persistence === "aof"
        ? values.persistence
        : undefined,
    });
    total += stats.commands;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `seed ${seed}: ok, ${stats.commands} commands, ${stats.events} events, ` +
        `${stats.propagated} propagated, ` +
        `${stats.transactions} EXEC, ${stats.blockingScenarios} blocking, ${stats.scans} scans, ` +
        `${stats.restores} RESTORE (dumps ${stats.dumpsIdentical} identical / ` +
        `${stats.dumpsDifferent} different), ${stats.datasetChecks} dataset checks ` +
        `(${stats.keysCompared} keys), ${secs}s`,
    );
    if (values.persistence) console.log(`  persistence: ${JSON.stringify(stats.persistence)}`);
    if (seed === first) console.log(`  commands: ${formatCounts(stats)}`);
  } catch (e) {
    failures++;
    console.log(`seed ${seed}: FAILED\n${e instanceof Error ? e.message : e}\n`);
  }
}
console.log(`${total} commands compared, ${failures} failing seeds`);
if (failures > 0) Deno.exit(1);
