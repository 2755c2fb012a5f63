/**
 * Geo commands: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE and the deprecated GEORADIUS family. A geo set is a
 * sorted set whose scores are 52-bit geohashes (src/util/geohash.ts), so
 * every sorted-set command and the persistence layer carry it as is.
 *
 * Replies, errors, events and propagation follow Redis 7.0: GEOADD runs
 * (and propagates) as the ZADD it amounts to; searches scan the geohash
 * cells in Redis's order, so even unsorted results come out the same.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { NOTIFY_ZSET } from "../server/notify_flags.ts";
import { TYPE_ZSET } from "../store/database.ts";
import { ZSetValue } from "../store/zset.ts";
import { isKeyword, latin1, latin1Bytes } from "../util/bytes.ts";
import {
  cellBits,
  decodeScore,
  distanceInShape,
  encodeCell,
  geoDistance,
  geohashString,
  type GeoShape,
  searchRanges,
  STEP_MAX,
  validLonLat,
} from "../util/geohash.ts";
import { formatLongDoubleHuman, longDoubleFromDouble } from "../util/long_double.ts";
import { parseDouble } from "../util/numbers.ts";
import { partialQuicksort } from "../util/partial_quicksort.ts";
import { command, type CommandSpec } from "./spec.ts";
import { deleteDestination, intArg, SYNTAX_ERROR } from "./util.ts";
import { zsetLimits } from "./zset_args.ts";
import { zsetAt } from "./zset_reply.ts";
import { ZSET_COMMANDS } from "./zsets.ts";

const ZADD = latin1Bytes("zadd");
const zaddHandler = ZSET_COMMANDS.find((spec) => spec.name === "zadd")!.handler!;

const NOT_FLOAT = "ERR value is not a valid float";
const UNKNOWN_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";
const MEMBER_NOT_FOUND = "ERR could not decode requested zset member";

// ------------------------------------------------------------- formatting

/**
 * A coordinate as Redis prints it (`addReplyHumanLongDouble`): the double
 * widened to a long double, `%.17Lf` with trailing zeros removed; a bulk
 * string in RESP2, a RESP3 double with that text.
 */
function coordinateReply(c: Client, d: number): void {
  const text = formatLongDoubleHuman(longDoubleFromDouble(d));
  if (c.out.proto === 3) c.out.raw(latin1Bytes("," + text + "\r\n"));
  else c.out.bulkLatin1(text);
}

/** C's `%f` (six decimals, exact value rounded half to even) for the coordinate error. */
function printfFixed(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  const { negative, mantissa, exponent } = longDoubleFromDouble(d);
  let scaled = mantissa * 1000000n;
  if (exponent >= 0) {
    scaled <<= BigInt(exponent);
  } else {
    const shift = BigInt(-exponent);
    const whole = scaled >> shift;
    const remainder = scaled - (whole << shift);
    const half = 1n << (shift - 1n);
    scaled = whole;
    if (remainder > half || (remainder === half && (whole & 1n) === 1n)) scaled++;
  }
  const digits = scaled.toString().padStart(7, "0");
  const text = digits.slice(0, -6) + "." + digits.slice(-6);
  return negative ? "-" + text : text;
}

/** A distance as Redis prints it: `%.4f` in a bulk string, in both protocols. */
function distanceReply(c: Client, d: number): void {
  c.out.bulkLatin1(d.toFixed(4));
}

// ---------------------------------------------------------------- parsing

/** Reads a longitude/latitude pair at `at`; null after replying with the error. */
function lonLatArg(c: Client, argv: Uint8Array[], at: number): [number, number] | null {
  const lon = parseDouble(argv[at]);
  if (Number.isNaN(lon)) {
    c.out.error(NOT_FLOAT);
    return null;
  }
  const lat = parseDouble(argv[at + 1]);
  if (Number.isNaN(lat)) {
    c.out.error(NOT_FLOAT);
    return null;
  }
  if (!validLonLat(lon, lat)) {
    c.out.error(`ERR invalid longitude,latitude pair ${printfFixed(lon)},${printfFixed(lat)}`);
    return null;
  }
  return [lon, lat];
}

/** Metres per unit (`m`, `km`, `ft`, `mi`, any case), or -1 after replying with the error. */
function unitArg(c: Client, arg: Uint8Array): number {
  if (isKeyword(arg, "m")) return 1;
  if (isKeyword(arg, "km")) return 1000;
  if (isKeyword(arg, "ft")) return 0.3048;
  if (isKeyword(arg, "mi")) return 1609.34;
  c.out.error(UNKNOWN_UNIT);
  return -1;
}

/** A non-negative size (radius, width, height); null after replying with the error. */
function sizeArg(c: Client, arg: Uint8Array, what: string): number | null {
  const v = parseDouble(arg);
  if (Number.isNaN(v)) {
    c.out.error(`ERR need numeric ${what}`);
    return null;
  }
  return v;
}

/** Parses `radius unit` into the shape; false after replying with the error. */
function radiusArgs(c: Client, argv: Uint8Array[], at: number, shape: GeoShape): boolean {
  const radius = sizeArg(c, argv[at], "radius");
  if (radius === null) return false;
  if (radius < 0) {
    c.out.error("ERR radius cannot be negative");
    return false;
  }
  const conversion = unitArg(c, argv[at + 1]);
  if (conversion < 0) return false;
  shape.box = false;
  shape.width = radius;
  shape.conversion = conversion;
  return true;
}

/** Parses `width height unit` into the shape; false after replying with the error. */
function boxArgs(c: Client, argv: Uint8Array[], at: number, shape: GeoShape): boolean {
  const width = sizeArg(c, argv[at], "width");
  if (width === null) return false;
  const height = sizeArg(c, argv[at + 1], "height");
  if (height === null) return false;
  if (height < 0 || width < 0) {
    c.out.error("ERR height or width cannot be negative");
    return false;
  }
  const conversion = unitArg(c, argv[at + 2]);
  if (conversion < 0) return false;
  shape.box = true;
  shape.width = width;
  shape.height = height;
  shape.conversion = conversion;
  return true;
}

/** Decoded position of a member, or null when it is not in the set. */
function memberPosition(zset: ZSetValue, member: Uint8Array): number[] | null {
  const score = zset.score(latin1(member));
  if (score === undefined) return null;
  const xy = [0, 0];
  decodeScore(score, xy);
  return xy;
}

// ----------------------------------------------------------------- GEOADD

/**
 * GEOADD is ZADD with the positions turned into scores: options are
 * checked here, then the rewritten command runs (replying, notifying
 * `zadd` and propagating as ZADD, as Redis does).
 */
function geoadd(c: Client, argv: Uint8Array[]): void {
  let nx = false, xx = false;
  let at = 2;
  for (; at < argv.length; at++) {
    if (isKeyword(argv[at], "nx")) nx = true;
    else if (isKeyword(argv[at], "xx")) xx = true;
    else if (!isKeyword(argv[at], "ch")) break;
  }
  if ((argv.length - at) % 3 !== 0 || (nx && xx)) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const zaddArgv: Uint8Array[] = [ZADD];
  for (let i = 1; i < at; i++) zaddArgv.push(argv[i].slice());
  for (let i = at; i < argv.length; i += 3) {
    const xy = lonLatArg(c, argv, i);
    if (xy === null) return;
    const cell = encodeCell(xy[0], xy[1], STEP_MAX);
    const bits = cellBits(cell);
    // The exact 64-bit integer, even where its double is rounded (upper edge).
    const text = Number.isSafeInteger(bits)
      ? String(bits)
      : (BigInt(cellBits({ ...cell, lon: 0 })) + BigInt(cellBits({ ...cell, lat: 0 }))).toString();
    zaddArgv.push(latin1Bytes(text), argv[i + 2].slice());
  }
  zaddHandler(c, zaddArgv);
  c.propagateOverride = [zaddArgv];
}

// ------------------------------------------------------ member lookups

function geopos(c: Client, argv: Uint8Array[]): void {
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const xy = zset === null ? null : memberPosition(zset, argv[i]);
    if (xy === null) {
      c.out.nullArray();
      continue;
    }
    c.out.array(2);
    coordinateReply(c, xy[0]);
    coordinateReply(c, xy[1]);
  }
}

function geodist(c: Client, argv: Uint8Array[]): void {
  let conversion = 1;
  if (argv.length === 5) {
    conversion = unitArg(c, argv[4]);
    if (conversion < 0) return;
  } else if (argv.length > 5) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  const a = zset === null ? null : memberPosition(zset, argv[2]);
  const b = zset === null ? null : memberPosition(zset, argv[3]);
  if (a === null || b === null) {
    c.out.nullBulk();
    return;
  }
  distanceReply(c, geoDistance(a[0], a[1], b[0], b[1]) / conversion);
}

function geohash(c: Client, argv: Uint8Array[]): void {
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const xy = zset === null ? null : memberPosition(zset, argv[i]);
    if (xy === null) c.out.nullBulk();
    else c.out.bulkLatin1(geohashString(xy[0], xy[1]));
  }
}

// --------------------------------------------------------------- searches

/** Which command a search runs for: how its arguments are laid out. */
const enum SearchKind {
  /** GEORADIUS / GEORADIUS_RO: key longitude latitude radius unit. */
  Coords,
  /** GEORADIUSBYMEMBER / _RO: key member radius unit. */
  Member,
  /** GEOSEARCH / GEOSEARCHSTORE: FROM... and BY... options. */
  Search,
}

/** A member found by a search. */
interface GeoPoint {
  member: string;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

const byDistanceAsc = (a: GeoPoint, b: GeoPoint) =>
  a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
const byDistanceDesc = (a: GeoPoint, b: GeoPoint) =>
  a.dist > b.dist ? -1 : a.dist === b.dist ? 0 : 1;

/** Collects the members inside the shape, cell by cell, stopping at `limit` (0: no limit). */
function collect(zset: ZSetValue, shape: GeoShape, limit: number): GeoPoint[] {
  const found: GeoPoint[] = [];
  const ranges = searchRanges(shape);
  const xy = [0, 0];
  for (let r = 0; r < ranges.length; r += 2) {
    if (limit > 0 && found.length >= limit) break;
    const max = ranges[r + 1];
    const first = zset.firstInScoreRange({
      min: ranges[r],
      max,
      minExclusive: false,
      maxExclusive: true,
    });
    if (first < 0) continue;
    zset.walk(first, false, (member, score) => {
      if (score >= max) return false;
      decodeScore(score, xy);
      const dist = distanceInShape(shape, xy[0], xy[1]);
      if (dist >= 0) found.push({ member, score, lon: xy[0], lat: xy[1], dist });
      return !(limit > 0 && found.length >= limit);
    });
  }
  return found;
}

/**
 * The search behind GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms),
 * GEOSEARCH and GEOSEARCHSTORE, with Redis's order of checks: the source
 * key's type, the fixed arguments, each option as it comes, then the
 * combinations.
 */
function geoSearch(c: Client, argv: Uint8Array[], kind: SearchKind, store: boolean): void {
  const storeCommand = kind === SearchKind.Search && store;
  const sourceAt = storeCommand ? 2 : 1;
  const zset = zsetAt(c, argv[sourceAt]);
  if (zset === undefined) return;
  const shape: GeoShape = { lon: 0, lat: 0, box: false, width: 0, height: 0, conversion: 1 };
  let at: number;
  if (kind === SearchKind.Coords) {
    at = 6;
    const xy = lonLatArg(c, argv, 2);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    if (!radiusArgs(c, argv, 4, shape)) return;
  } else if (kind === SearchKind.Member) {
    at = 5;
    if (zset !== null) {
      const xy = memberPosition(zset, argv[2]);
      if (xy === null) {
        c.out.error(MEMBER_NOT_FOUND);
        return;
      }
      [shape.lon, shape.lat] = xy;
      if (!radiusArgs(c, argv, 3, shape)) return;
    }
  } else {
    at = storeCommand ? 3 : 2;
  }

  let withDist = false, withHash = false, withCoord = false, any = false;
  let sort = 0; // 0 none, 1 ascending, -1 descending
  let count = 0;
  let storeKey: Uint8Array | null = storeCommand ? argv[1] : null;
  let storeDist = false;
  let fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
  const search = kind === SearchKind.Search;
  const legacyStore = store && !search;
  for (let i = at; i < argv.length; i++) {
    const a = argv[i];
    const left = argv.length - i - 1;
    if (isKeyword(a, "withdist")) withDist = true;
    else if (isKeyword(a, "withhash")) withHash = true;
    else if (isKeyword(a, "withcoord")) withCoord = true;
    else if (isKeyword(a, "any")) any = true;
    else if (isKeyword(a, "asc")) sort = 1;
    else if (isKeyword(a, "desc")) sort = -1;
    else if (isKeyword(a, "count") && left >= 1) {
      const n = intArg(c, argv[i + 1]);
      if (n === null) return;
      if (n <= 0) {
        c.out.error("ERR COUNT must be > 0");
        return;
      }
      count = n;
      i++;
    } else if (isKeyword(a, "store") && left >= 1 && legacyStore) {
      storeKey = argv[++i];
      storeDist = false;
    } else if (isKeyword(a, "storedist") && left >= 1 && legacyStore) {
      storeKey = argv[++i];
      storeDist = true;
    } else if (isKeyword(a, "storedist") && storeCommand) {
      storeDist = true;
    } else if (
      isKeyword(a, "frommember") && left >= 1 && search && !fromMember && !fromLonLat
    ) {
      if (zset !== null) {
        const xy = memberPosition(zset, argv[i + 1]);
        if (xy === null) {
          c.out.error(MEMBER_NOT_FOUND);
          return;
        }
        [shape.lon, shape.lat] = xy;
      }
      fromMember = true;
      i++;
    } else if (
      isKeyword(a, "fromlonlat") && left >= 2 && search && !fromMember && !fromLonLat
    ) {
      const xy = lonLatArg(c, argv, i + 1);
      if (xy === null) return;
      [shape.lon, shape.lat] = xy;
      fromLonLat = true;
      i += 2;
    } else if (isKeyword(a, "byradius") && left >= 2 && search && !byRadius && !byBox) {
      if (!radiusArgs(c, argv, i + 1, shape)) return;
      byRadius = true;
      i += 2;
    } else if (isKeyword(a, "bybox") && left >= 3 && search && !byRadius && !byBox) {
      if (!boxArgs(c, argv, i + 1, shape)) return;
      byBox = true;
      i += 3;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }

  if (storeKey !== null && (withDist || withHash || withCoord)) {
    const who = storeCommand ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
    c.out.error(`ERR ${who} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    return;
  }
  // Redis names the command as it was sent (argv[0], case kept).
  if (search && !(fromMember || fromLonLat)) {
    c.out.error(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${latin1(argv[0])}`,
    );
    return;
  }
  if (search && !(byRadius || byBox)) {
    c.out.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${latin1(argv[0])}`);
    return;
  }
  if (any && count === 0) {
    c.out.error("ERR the ANY argument requires COUNT argument");
    return;
  }
  if (zset === null) {
    if (storeKey === null) c.out.array(0);
    else storeFound(c, storeKey, [], 0, false, 1, "");
    return;
  }
  // COUNT means "the nearest N" unless ANY says any N will do.
  if (count !== 0 && sort === 0 && !any) sort = 1;

  const found = collect(zset, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) {
    c.out.array(0);
    return;
  }
  const returned = count === 0 || found.length < count ? found.length : count;
  if (sort !== 0) {
    const compare = sort === 1 ? byDistanceAsc : byDistanceDesc;
    // glibc's qsort merge-sorts (stable) as JS does; a partial sort is Redis's pqsort.
    if (returned === found.length) found.sort(compare);
    else partialQuicksort(found, compare, 0, returned - 1);
  }
  if (storeKey !== null) {
    const event = search ? "geosearchstore" : "georadiusstore";
    storeFound(c, storeKey, found, returned, storeDist, shape.conversion, event);
    return;
  }
  const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
  c.out.array(returned);
  for (let i = 0; i < returned; i++) {
    const p = found[i];
    if (options > 0) c.out.array(options + 1);
    c.out.bulkLatin1(p.member);
    if (withDist) distanceReply(c, p.dist / shape.conversion);
    if (withHash) c.out.integer(Math.trunc(p.score)); // Redis casts the score to long long
    if (withCoord) {
      c.out.array(2);
      coordinateReply(c, p.lon);
      coordinateReply(c, p.lat);
    }
  }
}

/**
 * Stores the first `returned` points under `dst` (scores: geohashes, or
 * distances in the query's unit with STOREDIST), or deletes `dst` when
 * there are none, and replies with the count.
 */
function storeFound(
  c: Client,
  dst: Uint8Array,
  found: GeoPoint[],
  returned: number,
  storeDist: boolean,
  conversion: number,
  event: string,
): void {
  const db = c.db;
  if (returned > 0) {
    const members: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < returned; i++) {
      members.push(found[i].member);
      scores.push(storeDist ? found[i].dist / conversion : found[i].score);
    }
    db.setObject(dst, TYPE_ZSET, ZSetValue.fromEntries(members, scores, zsetLimits(c)));
    c.out.integer(returned);
    c.server.wrote(db, dst, NOTIFY_ZSET, event, returned);
    c.server.signalKeyAsReady(db, dst);
    return;
  }
  // Unlike the zset STORE commands, Redis replies after the deletion here.
  deleteDestination(c, dst);
  c.out.integer(0);
}

/** The spec fields shared by the search commands. */
const SEARCH_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
const RADIUS_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";

const SEARCH_HISTORY: [string, string][] = [["7.0.0", "Added support for uppercase unit names."]];
const RADIUS_OPTIONS =
  "[WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]]{count} [ASC | DESC]{order}";
const SEARCH_AREA =
  "<FROMMEMBER member | FROMLONLAT longitude{double} latitude{double}>{from} <<BYRADIUS radius{double} <M | KM | FT | MI>{unit}>{circle} | <BYBOX width{double} height{double} <M | KM | FT | MI>{unit}>{box}>{by} [ASC | DESC]{order} [COUNT count [ANY]]{count}";

/** The geo command family. */
export const GEO_COMMANDS: CommandSpec[] = [
  command({
    name: "geoadd",
    arity: -5,
    flags: ["write", "denyoom"],
    keySpecs: ["RW update"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Add one or more geospatial items in the geospatial index represented using a sorted set",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [["6.2.0", "Added the `CH`, `NX` and `XX` options."]],
    syntax:
      "key [NX | XX]{condition 6.2.0} [CH]{change 6.2.0} longitude{double} latitude{double} member [longitude{double} latitude{double} member ...]",
    handler: geoadd,
  }),
  command({
    name: "geopos",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "geo",
    since: "3.2.0",
    summary: "Returns longitude and latitude of members of a geospatial index",
    complexity: "O(N) where N is the number of members requested.",
    syntax: "key member [member ...]",
    handler: geopos,
  }),
  command({
    name: "geodist",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "geo",
    since: "3.2.0",
    summary: "Returns the distance between two members of a geospatial index",
    complexity: "O(log(N))",
    syntax: "key member1 member2 [M | KM | FT | MI]{unit}",
    handler: geodist,
  }),
  command({
    name: "geohash",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "geo",
    since: "3.2.0",
    summary: "Returns members of a geospatial index as standard geohash strings",
    complexity:
      "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
    syntax: "key member [member ...]",
    handler: geohash,
  }),
  command({
    name: "geosearch",
    arity: -7,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "geo",
    since: "6.2.0",
    summary:
      "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
    complexity: SEARCH_COMPLEXITY,
    history: SEARCH_HISTORY,
    syntax: `key ${SEARCH_AREA} [WITHCOORD] [WITHDIST] [WITHHASH]`,
    handler: (c, argv) => geoSearch(c, argv, SearchKind.Search, false),
  }),
  command({
    name: "geosearchstore",
    arity: -8,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update", "RO access index:2"],
    group: "geo",
    since: "6.2.0",
    summary:
      "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
    complexity: SEARCH_COMPLEXITY,
    history: SEARCH_HISTORY,
    syntax: `destination source ${SEARCH_AREA} [STOREDIST]`,
    handler: (c, argv) => geoSearch(c, argv, SearchKind.Search, true),
  }),
  command({
    name: "georadius",
    arity: -6,
    flags: ["write", "denyoom"],
    keySpecs: ["RO access", "OW update keyword:STORE:6", "OW update keyword:STOREDIST:6"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
    complexity: RADIUS_COMPLEXITY,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
    history: [
      ["6.2.0", "Added the `ANY` option for `COUNT`."],
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    syntax:
      "key longitude{double} latitude{double} radius{double} <M | KM | FT | MI>{unit} [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]{6.2.0}]{count} [ASC | DESC]{order} [STORE key] [STOREDIST key]",
    handler: (c, argv) => geoSearch(c, argv, SearchKind.Coords, true),
  }),
  command({
    name: "georadiusbymember",
    arity: -5,
    flags: ["write", "denyoom"],
    keySpecs: ["RO access", "OW update keyword:STORE:5", "OW update keyword:STOREDIST:5"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
    complexity: RADIUS_COMPLEXITY,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
    history: SEARCH_HISTORY,
    syntax:
      `key member radius{double} <M | KM | FT | MI>{unit} ${RADIUS_OPTIONS} [STORE key] [STOREDIST key]`,
    handler: (c, argv) => geoSearch(c, argv, SearchKind.Member, true),
  }),
  command({
    name: "georadius_ro",
    arity: -6,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "geo",
    since: "3.2.10",
    summary: "A read-only variant for GEORADIUS",
    complexity: RADIUS_COMPLEXITY,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument",
    history: [["6.2.0", "Added the `ANY` option for `COUNT`."]],
    syntax:
      "key longitude{double} latitude{double} radius{double} <M | KM | FT | MI>{unit} [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]{6.2.0}]{count} [ASC | DESC]{order}",
    handler: (c, argv) => geoSearch(c, argv, SearchKind.Coords, false),
  }),
  command({
    name: "georadiusbymember_ro",
    arity: -5,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "geo",
    since: "3.2.10",
    summary: "A read-only variant for GEORADIUSBYMEMBER",
    complexity: RADIUS_COMPLEXITY,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
    syntax: `key member radius{double} <M | KM | FT | MI>{unit} ${RADIUS_OPTIONS}`,
    handler: (c, argv) => geoSearch(c, argv, SearchKind.Member, false),
  }),
];
