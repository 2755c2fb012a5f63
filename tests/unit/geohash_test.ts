/**
 * Geohash arithmetic against values measured on redis-server 7.0
 * (GEOADD then ZSCORE, GEOPOS, GEOHASH, GEODIST).
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import {
  decodeScore,
  distanceInShape,
  encodeScore,
  estimateSteps,
  geoDistance,
  geohashString,
  searchRanges,
  validLonLat,
} from "../../src/util/geohash.ts";

/** [longitude, latitude] added, then ZSCORE, GEOPOS and GEOHASH as Redis printed them. */
const MEASURED: [number, number, number, string, string, string][] = [
  [
    13.361389,
    38.115556,
    3479099956230698,
    "13.36138933897018433",
    "38.11555639549629859",
    "sqc8b49rny0",
  ],
  [
    15.087269,
    37.502669,
    3479447370796909,
    "15.08726745843887329",
    "37.50266842333162032",
    "sqdtr74hyu0",
  ],
  [0, 0, 3377699720527872, "0.00000268220901489", "0.00000126736058093", "s0000000000"],
  [180, 85.05112878, 13510798882111488, "180", "85.0511287799999991", "bp05b5048p0"],
  [-180, -85.05112878, 0, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"],
  [
    -0.127758,
    51.507351,
    2163557714754256,
    "-0.12775629758834839",
    "51.50735008547815141",
    "gcpvj0dup10",
  ],
  [
    151.2093,
    -33.8688,
    3252046221964352,
    "151.20929986238479614",
    "-33.86880091934155956",
    "r3gx2f77bj0",
  ],
];

Deno.test("geohash: scores, cell centres and geohash strings as Redis computes them", () => {
  const xy = [0, 0];
  for (const [lon, lat, score, lonText, latText, hash] of MEASURED) {
    assertEquals(encodeScore(lon, lat), score, `score of ${lon},${lat}`);
    decodeScore(score, xy);
    assertTrue(Math.abs(xy[0] - Number(lonText)) < 1e-16 * Math.max(1, Math.abs(xy[0])));
    assertTrue(Math.abs(xy[1] - Number(latText)) < 1e-16 * Math.max(1, Math.abs(xy[1])));
    assertEquals(geohashString(xy[0], xy[1]), hash);
  }
  assertEquals(MEASURED.length, 7);
});

Deno.test("geohash: haversine distances as GEODIST prints them", () => {
  const at = (i: number) => {
    const xy = [0, 0];
    decodeScore(MEASURED[i][2], xy);
    return xy;
  };
  const d = (i: number, j: number) => geoDistance(at(i)[0], at(i)[1], at(j)[0], at(j)[1]);
  assertEquals((d(0, 1) / 1000).toFixed(4), "166.2742"); // Palermo-Catania, km
  assertEquals((d(5, 6) / 1000).toFixed(4), "16998.7284"); // London-Sydney, km (Redis: 16998728.3994 m)
  assertEquals((d(5, 6)).toFixed(4), "16998728.3994");
  assertEquals((d(2, 3) / 1609.34).toFixed(4), "6562.2003"); // (0,0)-NE corner, mi
  assertEquals((d(4, 3) / 0.3048).toFixed(4), "62072980.9353"); // SW-NE corners, ft
  assertEquals(d(0, 0), 0);
});

Deno.test("geohash: coordinate limits and search precision", () => {
  assertTrue(validLonLat(180, 85.05112878));
  assertTrue(validLonLat(-180, -85.05112878));
  assertTrue(!validLonLat(180.0000001, 0));
  assertTrue(!validLonLat(0, 85.05112879));
  assertTrue(!validLonLat(Infinity, 0));
  assertEquals(estimateSteps(0, 0), 26);
  assertEquals(estimateSteps(1, 0), 24);
  assertEquals(estimateSteps(1, 70), 23); // cells narrow towards the poles
  assertEquals(estimateSteps(1, -85), 22);
  assertEquals(estimateSteps(5000000, 0), 2);
  assertEquals(estimateSteps(50000000, 0), 1);
});

Deno.test("geohash: search ranges are aligned, ordered cells of the chosen precision", () => {
  let checked = 0;
  for (const [lon, lat] of MEASURED) {
    for (const width of [0, 1, 1000, 1e6, 3e7]) {
      const shape = { lon, lat, box: false, width, height: 0, conversion: 1 };
      const ranges = searchRanges(shape);
      assertTrue(ranges.length >= 2 && ranges.length <= 18 && ranges.length % 2 === 0);
      const size = ranges[1] - ranges[0];
      for (let i = 0; i < ranges.length; i += 2) {
        assertEquals(ranges[i + 1] - ranges[i], size, "every cell has the same precision");
        assertEquals(ranges[i] % size, 0, "cells are aligned");
      }
      // The first range is the centre's cell, which holds the centre's own score
      // (unless the centre is on the upper edge, past every cell).
      const score = encodeScore(lon, lat);
      if (score < 2 ** 52) assertTrue(ranges[0] <= score && score < ranges[1]);
      checked++;
    }
  }
  assertEquals(checked, 35);
});

Deno.test("geohash: the latitude shortcut of radius searches rejects only points the distance rejects", () => {
  // Random centres and points all over the globe (antipodes included), with
  // radii just below, at and just above each point's distance and at random.
  let state = 5;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let checked = 0;
  let rejectedEarly = 0;
  for (let i = 0; i < 20_000; i++) {
    const lon = rand() * 360 - 180;
    const lat = rand() * 170 - 85;
    const near = rand() < 0.5;
    const pLon = near ? lon + (rand() - 0.5) * 2 : rand() * 360 - 180;
    const pLat = near ? Math.max(-85, Math.min(85, lat + (rand() - 0.5) * 2)) : rand() * 170 - 85;
    const d = geoDistance(lon, lat, pLon, pLat);
    for (const radius of [d * (1 - 1e-12), d, d * (1 + 1e-12), rand() * 2e7, d - 0.5, d + 0.5]) {
      if (radius < 0) continue;
      const shape = { lon, lat, box: false, width: radius, height: 0, conversion: 1 };
      const got = distanceInShape(shape, pLon, pLat);
      assertEquals(
        got,
        d > radius ? -1 : d,
        `radius ${radius} from ${lon},${lat} to ${pLon},${pLat}`,
      );
      if (got < 0 && Math.abs(pLat - lat) * 111_000 > radius + 10) rejectedEarly++;
      checked++;
    }
  }
  assertTrue(checked > 100_000, `${checked}`);
  assertTrue(rejectedEarly > 2_000, `${rejectedEarly} far in latitude`);
});
