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
    // Event names are matched case-insensitively here, as Redis does.
    let n = 0;
    for (const event of events) {
      for (const name of [...this.events.keys()]) {
        if (name.toLowerCase() === event.toLowerCase() && this.events.delete(name)) n++;
      }
    }
    return n;
  }
}

/** Width of a LATENCY GRAPH, as in Redis. */
const GRAPH_COLUMNS = 80;
/** Height of the sparkline, in rows. */
const GRAPH_ROWS = 4;
/** Characters for the three levels within one row, filled style. */
const FILL = "_o#";

/** How long ago a sample was, as LATENCY GRAPH labels it: `12s`, `3m`, `5h`, `2d`. */
function ageLabel(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/**
 * Renders samples as Redis's filled sparkline: four rows of `_o#|` scaled
 * between the lowest and highest sample, a blank line, then each sample's
 * age label written vertically. Wider series wrap every 80 columns.
 */
function sparkline(values: number[], labels: string[], min: number, max: number): string {
  const steps = FILL.length * GRAPH_ROWS;
  const range = max - min === 0 ? 1 : max - min;
  let out = "";
  for (let start = 0; start < values.length; start += GRAPH_COLUMNS) {
    if (start !== 0) out += "\n";
    const end = Math.min(values.length, start + GRAPH_COLUMNS);
    const levels: number[] = [];
    for (let i = start; i < end; i++) {
      levels.push(
        Math.min(steps - 1, Math.max(0, Math.floor(((values[i] - min) * steps) / range))),
      );
    }
    for (let row = 0; row < GRAPH_ROWS; row++) {
      let line = "";
      for (const level of levels) {
        const index = level - (GRAPH_ROWS - row - 1) * FILL.length;
        line += index >= FILL.length ? "|" : index >= 0 ? FILL[index] : " ";
      }
      out += line + "\n";
    }
    out += " ".repeat(end - start) + "\n";
    const tallest = Math.max(...labels.slice(start, end).map((l) => l.length));
    for (let row = 0; row < tallest; row++) {
      let line = "";
      for (let i = start; i < end; i++) line += labels[i][row] ?? " ";
      out += line + "\n";
    }
  }
  return out;
}

/** `LATENCY GRAPH`: a header with the range, a rule, and the sparkline; null for an unknown event. */
export function latencyGraph(
  monitor: LatencyMonitor,
  event: string,
  nowSeconds: number,
): string | null {
  const samples = monitor.history(event);
  const max = monitor.latest().find((e) => e.event === event)?.max;
  if (max === undefined) return null;
  const values = samples.map((s) => s.latency);
  const low = values.length ? Math.min(...values) : 0;
  const high = values.length ? Math.max(...values) : 0;
  const labels = samples.map((s) => ageLabel(nowSeconds - s.time));
  return `${event} - high ${high} ms, low ${low} ms (all time high ${max} ms)\n` +
    "-".repeat(GRAPH_COLUMNS) + "\n" + sparkline(values, labels, low, high);
}

/**
 * `LATENCY DOCTOR`: per event, the number of spikes, their average and
 * mean deviation, how often they happen and the worst one (Redis's line
 * format), followed by advice for the kinds of events seen.
 */
export function latencyDoctor(
  monitor: LatencyMonitor,
  options: { threshold: number; slowlogSlowerThan: number; hz: number; nowSeconds: number },
): string {
  const events = monitor.latest();
  if (events.length === 0 && options.threshold === 0) {
    return `I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n`;
  }
  if (events.length === 0) {
    return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
  }
  let report =
    "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  const advice = new Set<string>();
  events.forEach(({ event, max }, i) => {
    const samples = monitor.history(event);
    const sum = samples.reduce((n, s) => n + s.latency, 0);
    const avg = Math.floor(sum / samples.length);
    const mad = Math.floor(
      samples.reduce((n, s) => n + Math.abs(avg - s.latency), 0) / samples.length,
    );
    const oldest = Math.min(...samples.map((s) => s.time));
    const period = Math.max(1, options.nowSeconds - oldest);
    report += `${
      i + 1
    }. ${event}: ${samples.length} latency spikes (average ${avg}ms, mean deviation ${mad}ms, period ${
      (period / samples.length).toFixed(2)
    } sec). Worst all time event ${max}ms.\n`;
    if (event === "command") {
      if (options.slowlogSlowerThan < 0) {
        advice.add(
          `- The slow log is off, so the slow commands behind these spikes are not recorded: 'CONFIG SET slowlog-log-slower-than ${
            options.threshold * 1000
          }' turns it on.`,
        );
      } else if (options.slowlogSlowerThan / 1000 > options.threshold) {
        advice.add(
          `- The slow log only records commands slower than the latency threshold: 'CONFIG SET slowlog-log-slower-than ${
            options.threshold * 1000
          }' makes it catch these spikes.`,
        );
      }
      advice.add("- SLOWLOG GET shows which commands were slow and with which arguments.");
      advice.add(LARGE_OBJECTS);
    } else if (event === "fast-command") {
      advice.add(
        "- Commands that should take microseconds took milliseconds: the process did not get CPU time (load, noisy neighbours, a busy VM) or was paused by garbage collection. Check the system load and run the server where it has a core for itself.",
      );
    } else if (event === "expire-cycle") {
      if (options.hz < 100) {
        advice.add("- 'CONFIG SET hz 100' makes the active expiry run in smaller steps.");
      }
      advice.add(LARGE_OBJECTS);
    } else if (event === "eviction-del") {
      advice.add(LARGE_OBJECTS);
    } else if (event === "eviction-cycle") {
      advice.add(
        "- Lowering maxmemory at run time, or commands that allocate a lot at once, force many evictions in one go; change limits gradually.",
      );
    }
  });
  report += "\nI have a few advices for you:\n\n";
  for (const line of advice) report += line + "\n";
  return report;
}

const LARGE_OBJECTS =
  "- Deleting, expiring or evicting a very large value blocks the server while it is freed; split such values into several smaller keys.";
