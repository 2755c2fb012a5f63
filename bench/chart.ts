/**
 * Draws the side-by-side benchmark as an SVG bar chart: for each test, Rift
 * and Redis throughput, one panel per pipeline depth.
 *
 * @module
 */

import type { Row } from "./compare.ts";

const BAR = 9;
const GAP = 10;
const LEFT = 110;
const WIDTH = 720;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

/** Renders rows as an SVG document. */
export function renderChart(allRows: Row[]): string {
  const rows = allRows.filter((r) => !r.error);
  const pipelines = [...new Set(rows.map((r) => r.pipeline))];
  const parts: string[] = [];
  let y = 30;
  for (const pipeline of pipelines) {
    const panel = rows.filter((r) => r.pipeline === pipeline);
    const max = Math.max(...panel.flatMap((r) => [r.rift.rps, r.redis.rps]), 1);
    const scale = (WIDTH - LEFT - 90) / max;
    parts.push(
      `<text x="10" y="${y}" font-weight="bold">${
        pipeline === 1 ? "No pipelining (-c 50)" : `Pipeline -P ${pipeline}`
      }</text>`,
    );
    y += 12;
    for (const r of panel) {
      parts.push(
        `<text x="10" y="${y + BAR + 3}" font-size="11">${escape(r.test.toUpperCase())}</text>`,
      );
      const riftW = Math.max(1, r.rift.rps * scale);
      const redisW = Math.max(1, r.redis.rps * scale);
      parts.push(
        `<rect x="${LEFT}" y="${y}" width="${riftW.toFixed(1)}" height="${BAR}" fill="#d9480f"/>`,
      );
      parts.push(
        `<rect x="${LEFT}" y="${y + BAR}" width="${
          redisW.toFixed(1)
        }" height="${BAR}" fill="#495057"/>`,
      );
      parts.push(
        `<text x="${LEFT + Math.max(riftW, redisW) + 4}" y="${y + BAR + 3}" font-size="10">${
          r.ratio.toFixed(2)
        }×</text>`,
      );
      y += 2 * BAR + GAP;
    }
    y += 20;
  }
  const legend = `<rect x="${WIDTH - 150}" y="8" width="10" height="10" fill="#d9480f"/>` +
    `<text x="${WIDTH - 135}" y="17" font-size="11">Rift</text>` +
    `<rect x="${WIDTH - 90}" y="8" width="10" height="10" fill="#495057"/>` +
    `<text x="${WIDTH - 75}" y="17" font-size="11">Redis</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${legend}${parts.join("")}</svg>\n`;
}
