/**
 * Compares two results of bench/compare.ts (say, before and after a change):
 * for each test, the Rift ÷ Redis ratio and Rift's CPU time per request in
 * both, and the change. Ratios come from the same run on the same machine,
 * so they compare across runs better than raw req/s; CPU per request is the
 * steadiest number on a busy machine.
 *
 *   deno run -A bench/diff.ts bench/results/<before>.json bench/results/<after>.json
 *
 * @module
 */

import type { Result, Row } from "./compare.ts";

function key(row: Row): string {
  return `${row.test} -P ${row.pipeline}`;
}

function change(before: number, after: number): string {
  if (!Number.isFinite(before) || !Number.isFinite(after) || before === 0) return "–";
  const pct = ((after - before) / before) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
}

function num(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "–";
}

/** Markdown table comparing two results. */
export function renderDiff(before: Result, after: Result): string {
  const lines = [
    `Before: ${before.commit} (${before.date}); after: ${after.commit} (${after.date}).`,
    "",
    "| Test | Ratio before | Ratio after | Rift CPU µs/req before | after | change |",
    "|---|---|---|---|---|---|",
  ];
  const earlier = new Map(before.rows.map((r) => [key(r), r]));
  for (const row of after.rows) {
    const old = earlier.get(key(row));
    const cpuBefore = old?.rift.cpuPerRequest ?? NaN;
    lines.push(
      `| ${key(row).toUpperCase()} | ${num(old?.ratio ?? NaN, 2)} | ${num(row.ratio, 2)} | ${
        num(cpuBefore, 2)
      } | ${num(row.rift.cpuPerRequest, 2)} | ${change(cpuBefore, row.rift.cpuPerRequest)} |`,
    );
  }
  if (before.memory && after.memory) {
    lines.push(
      "",
      `Bytes per small key: ${before.memory.bytesPerKeyRift.toFixed(0)} → ${
        after.memory.bytesPerKeyRift.toFixed(0)
      }; RSS ratio with small keys ${before.memory.keysRatio.toFixed(2)} → ${
        after.memory.keysRatio.toFixed(2)
      }.`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  if (Deno.args.length !== 2) {
    console.error("usage: deno run -A bench/diff.ts <before.json> <after.json>");
    Deno.exit(2);
  }
  const [before, after] = Deno.args.map((f) => JSON.parse(Deno.readTextFileSync(f)) as Result);
  console.log(renderDiff(before, after));
}
