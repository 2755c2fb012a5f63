/**
 * Per-command latency histograms (`latency-tracking`), reported by
 * `LATENCY HISTOGRAM` and `INFO latencystats` the way Redis 7 reports its
 * HdrHistograms with two significant digits: every duration is counted in
 * the sub-bucket HdrHistogram would put it in, so percentiles and bucket
 * bounds come out as the same numbers Redis prints for the same durations.
 *
 * @module
 */

/** Sub-buckets per power of two at two significant digits (HdrHistogram's half count). */
const SUB_BUCKET_HALF_COUNT = 128;
const SUB_BUCKET_HALF_BITS = 7;
/** `LATENCY HISTOGRAM` reports power-of-two buckets from 1024 ns up. */
const FIRST_BUCKET_NS = 1024;

/**
 * The highest value HdrHistogram (two significant digits) treats as equal
 * to `ns`: values below 256 are exact; above, a power of two is split into
 * 128 equal sub-buckets.
 */
export function highestEquivalent(ns: number): number {
  if (ns < 2 * SUB_BUCKET_HALF_COUNT) return ns;
  if (ns <= 0x7fffffff) {
    // Integer bit arithmetic for durations under ~2 s: this runs for every command.
    const shift = 31 - Math.clz32(ns) - SUB_BUCKET_HALF_BITS;
    return ((ns >>> shift) << shift) + (1 << shift) - 1;
  }
  const unit = 2 ** (Math.floor(Math.log2(ns)) - SUB_BUCKET_HALF_BITS);
  return Math.floor(ns / unit) * unit + unit - 1;
}

/** Exponent of the first power of two split into sub-buckets (256 = 2^8). */
const FIRST_SPLIT_EXPONENT = SUB_BUCKET_HALF_BITS + 1;

/**
 * Position of the sub-bucket of `ns` in value order: values below 256 are
 * their own bucket, then 128 sub-buckets per power of two.
 */
function bucketIndex(ns: number): number {
  if (ns < 2 * SUB_BUCKET_HALF_COUNT) return ns;
  let exponent: number;
  let top: number;
  if (ns <= 0x7fffffff) {
    // Shifts instead of a power and a division: this runs for every command.
    exponent = 31 - Math.clz32(ns);
    top = ns >>> (exponent - SUB_BUCKET_HALF_BITS);
  } else {
    exponent = Math.floor(Math.log2(ns));
    top = Math.floor(ns / 2 ** (exponent - SUB_BUCKET_HALF_BITS));
  }
  return 2 * SUB_BUCKET_HALF_COUNT + (exponent - FIRST_SPLIT_EXPONENT) * SUB_BUCKET_HALF_COUNT +
    top - SUB_BUCKET_HALF_COUNT;
}

/** The highest value of the sub-bucket at `index` (inverse of {@link bucketIndex}). */
function bucketValue(index: number): number {
  if (index < 2 * SUB_BUCKET_HALF_COUNT) return index;
  const above = index - 2 * SUB_BUCKET_HALF_COUNT;
  const exponent = FIRST_SPLIT_EXPONENT + Math.floor(above / SUB_BUCKET_HALF_COUNT);
  const unit = 2 ** (exponent - SUB_BUCKET_HALF_BITS);
  return ((above % SUB_BUCKET_HALF_COUNT) + SUB_BUCKET_HALF_COUNT) * unit + unit - 1;
}

/** The latency distribution of one command. */
export class CommandHistogram {
  /** Number of recorded calls. */
  calls = 0;
  /**
   * Count per sub-bucket, indexed by {@link bucketIndex} (so in value order).
   * Recording runs for every command, so it is an array, not a map.
   */
  private counts = new Float64Array(0);

  /** Records one duration in nanoseconds. */
  record(ns: number): void {
    const index = bucketIndex(ns);
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]++;
    this.calls++;
  }

  private grow(index: number): void {
    const counts = new Float64Array(Math.max(index + 1, this.counts.length * 2, 64));
    counts.set(this.counts);
    this.counts = counts;
  }

  private sortedBuckets(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i] > 0) out.push([bucketValue(i), this.counts[i]]);
    }
    return out;
  }

  /** The value (µs, Redis's `%.3f` precision) at a percentile, as `hdr_value_at_percentile`. */
  percentileMicros(percentile: number): number {
    const wanted = Math.max(1, Math.floor((percentile / 100) * this.calls + 0.5));
    let seen = 0;
    let last = 0;
    for (const [bucket, count] of this.sortedBuckets()) {
      seen += count;
      last = bucket;
      if (seen >= wanted) break;
    }
    return last / 1000;
  }

  /**
   * The cumulative distribution over power-of-two buckets starting at
   * 1024 ns: `[bucket bound in µs, calls up to it]`, only where the count
   * grows, as `LATENCY HISTOGRAM` shows it.
   */
  cumulativeMicros(): [number, number][] {
    const buckets = this.sortedBuckets();
    const out: [number, number][] = [];
    let i = 0;
    let cumulative = 0;
    let previous = 0;
    for (let bound = FIRST_BUCKET_NS; cumulative < this.calls; bound *= 2) {
      const limit = highestEquivalent(bound);
      while (i < buckets.length && buckets[i][0] <= limit) cumulative += buckets[i++][1];
      if (cumulative > previous) out.push([Math.floor(limit / 1000), cumulative]);
      previous = cumulative;
    }
    return out;
  }
}

/** The histograms of every command of one server. */
export class LatencyHistograms {
  private readonly byCommand = new Map<string, CommandHistogram>();

  /** Records a call of `name` (full name, `config|get`) that took `micros`. */
  record(name: string, micros: number): void {
    // Pipelines repeat a command: the last histogram answers without a map lookup.
    let histogram = name === this.lastName ? this.lastHistogram : this.byCommand.get(name);
    if (histogram === undefined) this.byCommand.set(name, histogram = new CommandHistogram());
    this.lastName = name;
    this.lastHistogram = histogram;
    histogram.record(micros * 1000);
  }

  private lastName: string | null = null;
  private lastHistogram: CommandHistogram | undefined = undefined;

  /** The histogram of a command, if it was called. */
  get(name: string): CommandHistogram | undefined {
    return this.byCommand.get(name);
  }

  /** Commands with samples, sorted by name. */
  names(): string[] {
    return [...this.byCommand.keys()].sort();
  }

  /** Forgets everything (`CONFIG RESETSTAT`). */
  reset(): void {
    this.byCommand.clear();
    this.lastName = null;
    this.lastHistogram = undefined;
  }
}
