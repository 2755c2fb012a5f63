/**
 * Server counters reported by `INFO` and reset by `CONFIG RESETSTAT`.
 *
 * @module
 */

/** Per-command counters (`INFO commandstats`). */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** Samples for an instantaneous rate (`instantaneous_ops_per_sec`). */
class RateSampler {
  private readonly samples = new Float64Array(16);
  private index = 0;
  private lastValue = 0;
  private lastTime = 0;

  sample(value: number, timeMs: number): void {
    if (this.lastTime !== 0 && timeMs > this.lastTime) {
      this.samples[this.index++ % this.samples.length] = ((value - this.lastValue) * 1000) /
        (timeMs - this.lastTime);
    }
    this.lastValue = value;
    this.lastTime = timeMs;
  }

  get rate(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / this.samples.length;
  }
}

/** All counters of one server. */
export class Stats {
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  rejectedConnections = 0;
  expiredKeys = 0;
  expiredStalePercent = 0;
  evictedKeys = 0;
  evictedClients = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalNetInputBytes = 0;
  totalNetOutputBytes = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  clientQueryBufferLimitDisconnections = 0;
  clientOutputBufferLimitDisconnections = 0;
  pubsubMessages = 0;
  /** `errorstat_<CODE>` counters. */
  readonly errors = new Map<string, number>();
  /** `cmdstat_<name>` counters, by full command name. */
  readonly commands = new Map<string, CommandStat>();
  private readonly opsRate = new RateSampler();
  private readonly inputRate = new RateSampler();
  private readonly outputRate = new RateSampler();

  /** Counter record for a command, created on first use. */
  command(name: string): CommandStat {
    // Pipelines repeat a command: the last record answers without a map lookup.
    if (name === this.lastCommandName) return this.lastCommandStat!;
    let stat = this.commands.get(name);
    if (!stat) {
      stat = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.commands.set(name, stat);
    }
    this.lastCommandName = name;
    this.lastCommandStat = stat;
    return stat;
  }

  private lastCommandName: string | null = null;
  private lastCommandStat: CommandStat | null = null;

  /** Counts an error reply by its code (the first word: `ERR`, `WRONGTYPE`...). */
  countError(text: string): void {
    this.totalErrorReplies++;
    const space = text.indexOf(" ");
    const code = space < 0 ? text : text.slice(0, space);
    // Like Redis, stop tracking new codes past 128 distinct ones.
    if (!this.errors.has(code) && this.errors.size >= 128) return;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Takes a sample for the instantaneous rates (called from the cron). */
  sampleRates(nowMs: number): void {
    this.opsRate.sample(this.totalCommandsProcessed, nowMs);
    this.inputRate.sample(this.totalNetInputBytes, nowMs);
    this.outputRate.sample(this.totalNetOutputBytes, nowMs);
  }

  /** Commands per second over the last samples. */
  get instantaneousOps(): number {
    return Math.round(this.opsRate.rate);
  }

  /** Input kilobytes per second. */
  get instantaneousInputKbps(): number {
    return this.inputRate.rate / 1024;
  }

  /** Output kilobytes per second. */
  get instantaneousOutputKbps(): number {
    return this.outputRate.rate / 1024;
  }

  /** `CONFIG RESETSTAT`. */
  reset(): void {
    const fresh = new Stats();
    for (const key of Object.keys(fresh) as (keyof Stats)[]) {
      const v = fresh[key];
      if (typeof v === "number") (this as unknown as Record<string, number>)[key] = v;
    }
    this.errors.clear();
    this.commands.clear();
    this.lastCommandName = null;
    this.lastCommandStat = null;
  }
}
