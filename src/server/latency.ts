/**
 * The latency monitor (`LATENCY`): for each event class (`command`,
 * `fast-command`, `eviction-cycle`, `eviction-del`, `expire-cycle`...), the
 * samples of at least `latency-monitor-threshold` milliseconds, one per
 * second (the worst of that second), in a ring of the last 160, plus the
 * all-time maximum.
 *
 * @module
 */

/** Samples kept per event, as Redis's LATENCY_TS_LEN. */
export const LATENCY_SAMPLES = 160;

/** One recorded sample. */
export interface LatencySample {
  /** Unix time in seconds. */
  time: number;
  /** Latency in milliseconds. */
  latency: number;
}

/** The time series of one event. */
interface EventSeries {
  /** Ring of samples; `time === 0` marks an unused slot. */
  samples: LatencySample[];
  /** Next slot to write. */
  next: number;
  /** Highest latency ever recorded. */
  max: number;
}

/** The latency monitor of one server. */
export class LatencyMonitor {
  private readonly events = new Map<string, EventSeries>();

  /** Records `latencyMs` for `event` at `nowSeconds` (the caller checks the threshold). */
  add(event: string, latencyMs: number, nowSeconds: number): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = {
        samples: Array.from({ length: LATENCY_SAMPLES }, () => ({ time: 0, latency: 0 })),
        next: 0,
        max: 0,
      };
      this.events.set(event, series);
    }
    if (latencyMs > series.max) series.max = latencyMs;
    const previous = series.samples[(series.next + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
    if (previous.time === nowSeconds) {
      // One sample per second: keep the worst.
      if (latencyMs > previous.latency) previous.latency = latencyMs;
      return;
    }
    const slot = series.samples[series.next];
    slot.time = nowSeconds;
    slot.latency = latencyMs;
    series.next = (series.next + 1) % LATENCY_SAMPLES;
  }

  /** `LATENCY LATEST`: per event, the last sample and the maximum. */
  latest(): { event: string; time: number; latency: number; max: number }[] {
    const out = [];
    for (const [event, series] of this.events) {
      const last = series.samples[(series.next + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
      out.push({ event, time: last.time, latency: last.latency, max: series.max });
    }
    return out;
  }

  /** `LATENCY HISTORY`: an event's samples, oldest first (empty for an unknown event). */
  history(event: string): LatencySample[] {
    const series = this.events.get(event);
    if (series === undefined) return [];
    const out: LatencySample[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const sample = series.samples[(series.next + i) % LATENCY_SAMPLES];
      if (sample.time !== 0) out.push({ time: sample.time, latency: sample.latency });
    }
    return out;
  }

  /** Names of the events with samples. */
  eventNames(): string[] {
    return [...this.events.keys()];
  }

  /** `LATENCY RESET`: forgets the named events (all when none); returns how many existed. */
  reset(events: string[]): number {
    if (events.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const event of events) if (this.events.delete(event)) n++;
    return n;
  }
}
