/**
 * Geohash arithmetic behind the geo commands, following Redis 7.0's rules
 * step for step so searches visit the same cells and return the same
 * members in the same order:
 *
 * - A position is stored as a 52-bit interleaved geohash (26 bits of
 *   latitude on the even bits, 26 of longitude on the odd bits) over
 *   longitude -180..180 and latitude -85.05112878..85.05112878 (Web
 *   Mercator's square), used as the sorted-set score.
 * - Decoding gives the centre of the cell, clamped to those ranges.
 * - Distances use the haversine formula on a sphere of radius
 *   6372797.560856 m.
 * - A search covers the cell holding the centre at a precision chosen from
 *   the radius, plus its eight neighbours, minus the neighbours the shape
 *   cannot reach.
 *
 * A hash is kept as its two coordinates (cell indexes at `step` bits each,
 * which may reach 2^step for a point on the upper edge, as in Redis) rather
 * than as interleaved bits, so moving to a neighbour is plain arithmetic.
 *
 * @module
 */

/** Redis's `GEO_LONG_MIN/MAX` and `GEO_LAT_MIN/MAX`. */
export const LONG_MIN = -180;
export const LONG_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
/** Bits per coordinate of a stored position. */
export const STEP_MAX = 26;
/** Redis's `EARTH_RADIUS_IN_METERS`. */
export const EARTH_RADIUS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const DEG_TO_RAD = Math.PI / 180.0;

/** A geohash cell: latitude and longitude indexes at `step` bits of precision. */
export interface GeoCell {
  lat: number;
  lon: number;
  step: number;
}

/** Bounds of a cell, in degrees. */
export interface GeoArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** True when a longitude/latitude pair can be stored (GEOADD accepts it). */
export function validLonLat(lon: number, lat: number): boolean {
  return lon >= LONG_MIN && lon <= LONG_MAX && lat >= LAT_MIN && lat <= LAT_MAX;
}

/**
 * The cell of a (valid) position at `step` bits, over the given latitude
 * range (the stored one, or ±90 for standard geohash strings). Offsets
 * are truncated like C's conversion to `uint32_t`.
 */
export function encodeCell(
  lon: number,
  lat: number,
  step: number,
  latMin = LAT_MIN,
  latMax = LAT_MAX,
): GeoCell {
  let latOffset = (lat - latMin) / (latMax - latMin);
  let lonOffset = (lon - LONG_MIN) / (LONG_MAX - LONG_MIN);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  return { lat: Math.trunc(latOffset), lon: Math.trunc(lonOffset), step };
}

/** Spreads the low 16 bits of `v` onto the even bits of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gathers the even bits of a 32-bit word into its low 16 bits. */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** `v` (at most 27 bits) on the even bits of a 64-bit value, as an exact double. */
function spreadEven(v: number): number {
  return spread16(v) + spread16(v >>> 16) * 4294967296;
}

/**
 * The interleaved bits of a cell plus `add` (0 or 1), as the double C
 * gets from converting the 64-bit integer (one rounding, which only
 * happens for a cell on the upper longitude edge at full precision).
 */
export function cellBits(cell: GeoCell, add = 0): number {
  return (spreadEven(cell.lat) + add) + spreadEven(cell.lon) * 2;
}

/** The stored score of a valid position. */
export function encodeScore(lon: number, lat: number): number {
  return cellBits(encodeCell(lon, lat, STEP_MAX));
}

const TWO_POW_63 = 2 ** 63;
const BIT_63 = 1n << 63n;

/**
 * A score converted to the 64-bit hash the way Redis's `(uint64_t)score`
 * compiles on x86-64 (as the redis-server this mirrors runs): truncation
 * toward zero, negative values wrapped modulo 2^64, and the conversion
 * instruction's "indefinite" value 2^63 for what does not fit (from 2^63
 * on, 2^63 is subtracted first and its bit put back). For scores outside
 * [0, 2^53), which no GEOADD wrote (ZADD with other scores): the others
 * convert exactly, and {@link decodeScore} splits them itself.
 */
function wideScoreBits(score: number): [hi: number, lo: number] {
  let bits: bigint;
  if (score < TWO_POW_63) {
    bits = score > -TWO_POW_63 ? BigInt.asUintN(64, BigInt(Math.trunc(score))) : BIT_63;
  } else {
    const rest = score - TWO_POW_63;
    bits = (rest < TWO_POW_63 ? BigInt(Math.trunc(rest)) : BIT_63) ^ BIT_63;
  }
  return [Number(bits >> 32n), Number(bits & 0xffffffffn)];
}

/**
 * The lower edge of cell `index` of `cells` over a range. The upper edge is
 * that of `(index + 1) % 2^32`: the index is a uint32_t in Redis.
 */
function cellEdge(index: number, cells: number, min: number, scale: number): number {
  return min + (index * 1.0 / cells) * scale;
}

/** The bounds of a cell over the stored ranges. */
export function cellArea(cell: GeoCell): GeoArea {
  const cells = 2 ** cell.step;
  const latScale = LAT_MAX - LAT_MIN;
  const lonScale = LONG_MAX - LONG_MIN;
  return {
    latMin: cellEdge(cell.lat, cells, LAT_MIN, latScale),
    latMax: cellEdge((cell.lat + 1) % 4294967296, cells, LAT_MIN, latScale),
    lonMin: cellEdge(cell.lon, cells, LONG_MIN, lonScale),
    lonMax: cellEdge((cell.lon + 1) % 4294967296, cells, LONG_MIN, lonScale),
  };
}

/**
 * The position a score stands for: the centre of its cell, clamped to the
 * valid ranges. Writes [longitude, latitude] into `out`.
 */
export function decodeScore(score: number, out: Float64Array | number[]): void {
  // The score's full-precision cell (32 bits per coordinate, like Redis)
  // and its edges, without a cell or area object: a search decodes every
  // candidate, and those objects were a fifth of its time.
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 9007199254740992) {
    const t = Math.trunc(score);
    hi = Math.floor(t / 4294967296);
    lo = t - hi * 4294967296;
  } else {
    [hi, lo] = wideScoreBits(score);
  }
  const latIndex = compact16(lo) + compact16(hi) * 65536;
  const lonIndex = compact16(lo >>> 1) + compact16(hi >>> 1) * 65536;
  const cells = 2 ** STEP_MAX;
  const latScale = LAT_MAX - LAT_MIN;
  const lonScale = LONG_MAX - LONG_MIN;
  let lon = (cellEdge(lonIndex, cells, LONG_MIN, lonScale) +
    cellEdge((lonIndex + 1) % 4294967296, cells, LONG_MIN, lonScale)) / 2;
  let lat = (cellEdge(latIndex, cells, LAT_MIN, latScale) +
    cellEdge((latIndex + 1) % 4294967296, cells, LAT_MIN, latScale)) / 2;
  if (lon > LONG_MAX) lon = LONG_MAX;
  if (lon < LONG_MIN) lon = LONG_MIN;
  if (lat > LAT_MAX) lat = LAT_MAX;
  if (lat < LAT_MIN) lat = LAT_MIN;
  out[0] = lon;
  out[1] = lat;
}

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * The standard 11-character geohash (over ±180 × ±90) of a decoded
 * position, as GEOHASH prints it: 52 bits give ten characters, the
 * eleventh is always `0`.
 */
export function geohashString(lon: number, lat: number): string {
  const cell = encodeCell(lon, lat, STEP_MAX, -90, 90);
  const bits = BigInt(spreadEven(cell.lat)) + (BigInt(spreadEven(cell.lon)) << 1n);
  let out = "";
  for (let i = 0; i < 10; i++) {
    out += BASE32[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  }
  return out + "0";
}

/** The latitude (radians) whose cosine {@link geoDistance} remembers, and that cosine. */
let cosineOf = NaN;
let cosine = 1;

/** Degrees to radians, as Redis's `deg_rad`. */
function rad(deg: number): number {
  return deg * DEG_TO_RAD;
}

/** Distance in metres along a meridian between two latitudes. */
export function latitudeDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS * Math.abs(rad(lat2) - rad(lat1));
}

/**
 * Haversine distance in metres between two positions, with Redis's
 * shortcut along a meridian. The last bit can differ from redis-server's
 * in rare cases: V8's `Math.sin`/`cos`/`asin` round correctly where
 * glibc's are occasionally half an ulp off, which shows in about one
 * 4-decimal distance in several thousand and in 17-digit STOREDIST scores.
 */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((rad(lon2) - rad(lon1)) / 2);
  if (v === 0.0) return latitudeDistance(lat1, lat2);
  const lat1r = rad(lat1);
  const lat2r = rad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  // A search measures every candidate from the same centre: its cosine is
  // remembered (the same value Math.cos gives, so results do not change).
  if (lat1r !== cosineOf) {
    cosineOf = lat1r;
    cosine = Math.cos(lat1r);
  }
  const a = u * u + cosine * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(a));
}

/** A search area: a circle (`height` unused) or a box, sizes in the query's unit. */
export interface GeoShape {
  lon: number;
  lat: number;
  box: boolean;
  /** Radius of a circle, width of a box. */
  width: number;
  height: number;
  /** Metres per unit. */
  conversion: number;
}

/**
 * The distance from the shape's centre to a point, or -1 when the point is
 * outside the shape (for a box: its latitude, then its longitude distance
 * along the point's parallel, checked against half the sides).
 */
export function distanceInShape(shape: GeoShape, lon: number, lat: number): number {
  if (!shape.box) {
    const radius = shape.width * shape.conversion;
    // No great circle between two points is shorter than the meridian arc
    // between their latitudes, so a point whose latitude alone puts it
    // clearly outside is rejected without the trigonometry (the margin
    // leaves borderline points to the exact test, which alone decides).
    if (latitudeDistance(lat, shape.lat) > radius * (1 + 1e-6) + 1) return -1;
    const d = geoDistance(shape.lon, shape.lat, lon, lat);
    return d > radius ? -1 : d;
  }
  if (latitudeDistance(lat, shape.lat) > (shape.height * shape.conversion) / 2) return -1;
  if (geoDistance(lon, lat, shape.lon, lat) > (shape.width * shape.conversion) / 2) return -1;
  return geoDistance(shape.lon, shape.lat, lon, lat);
}

/** Precision (bits per coordinate) Redis picks for a search of this radius. */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return STEP_MAX;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // keep the range inside most of the base cases
  if (lat > 66 || lat < -66) {
    step--; // cells narrow towards the poles
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > STEP_MAX) step = STEP_MAX;
  return step;
}

/** The neighbour of a cell `dx` cells east and `dy` cells north, wrapping around. */
function moveCell(cell: GeoCell, dx: number, dy: number): GeoCell {
  const cells = 2 ** cell.step;
  const lon = dx === 0 ? cell.lon : (cell.lon + dx + cells) % cells;
  const lat = dy === 0 ? cell.lat : (cell.lat + dy + cells) % cells;
  return { lat, lon, step: cell.step };
}

/** Offsets of the cells a search visits, in Redis's order: centre, N, S, E, W, NE, NW, SE, SW. */
const VISIT_ORDER: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [0, -1],
  [1, 0],
  [-1, 0],
  [1, 1],
  [-1, 1],
  [1, -1],
  [-1, -1],
];

/**
 * The cells a search scans, in order, with those it can skip (as Redis
 * zeroes them) left out and consecutive repeats removed. Each is given as
 * the half-open score range [min, max) it covers.
 */
export function searchRanges(shape: GeoShape): number[] {
  const { lon, lat } = shape;
  const { conversion } = shape;
  const halfHeight = conversion * (shape.box ? shape.height / 2 : shape.width);
  const halfWidth = conversion * (shape.box ? shape.width / 2 : shape.width);
  const latDelta = halfHeight / EARTH_RADIUS / DEG_TO_RAD;
  const lonDeltaTop = halfWidth / EARTH_RADIUS / Math.cos(rad(lat + latDelta)) / DEG_TO_RAD;
  const lonDeltaBottom = halfWidth / EARTH_RADIUS / Math.cos(rad(lat - latDelta)) / DEG_TO_RAD;
  // The bounding box's widest parallel is the one nearer the equator.
  const southern = lat < 0;
  const minLon = southern ? lon - lonDeltaBottom : lon - lonDeltaTop;
  const maxLon = southern ? lon + lonDeltaBottom : lon + lonDeltaTop;
  const minLat = lat - latDelta;
  const maxLat = lat + latDelta;
  const radius = conversion *
    (shape.box
      ? Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))
      : shape.width);

  let steps = estimateSteps(radius, lat);
  let centre = encodeCell(lon, lat, steps);
  // One step coarser when a neighbour does not reach the bounding box's edge.
  const north = cellArea(moveCell(centre, 0, 1));
  const south = cellArea(moveCell(centre, 0, -1));
  const east = cellArea(moveCell(centre, 1, 0));
  const west = cellArea(moveCell(centre, -1, 0));
  if (
    steps > 1 &&
    (north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon ||
      west.lonMin > minLon)
  ) {
    steps--;
    centre = encodeCell(lon, lat, steps);
  }
  const area = cellArea(centre);
  const skip = { north: false, south: false, east: false, west: false };
  if (steps >= 2) {
    skip.south = area.latMin < minLat;
    skip.north = area.latMax > maxLat;
    skip.west = area.lonMin < minLon;
    skip.east = area.lonMax > maxLon;
  }

  const ranges: number[] = [];
  const shift = 2 ** (52 - 2 * steps);
  let last: GeoCell | null = null;
  let lastIndex = 0;
  for (let i = 0; i < VISIT_ORDER.length; i++) {
    const [dx, dy] = VISIT_ORDER[i];
    if (
      (dy === 1 && skip.north) || (dy === -1 && skip.south) || (dx === 1 && skip.east) ||
      (dx === -1 && skip.west)
    ) continue;
    const cell = moveCell(centre, dx, dy);
    // Redis compares with the last scanned cell only once one besides the centre was scanned.
    if (
      lastIndex !== 0 && last !== null && cell.lat === last.lat && cell.lon === last.lon
    ) continue;
    ranges.push(cellBits(cell) * shift, cellBits(cell, 1) * shift);
    last = cell;
    lastIndex = i;
  }
  return ranges;
}
