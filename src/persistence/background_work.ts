/**
 * The one background job slot: like Redis, which never runs a BGSAVE and a
 * BGREWRITEAOF child at the same time, Rift runs at most one background
 * snapshot (only one set of entry guards can be installed).
 *
 * @module
 */

/** What runs in the background. */
export type BackgroundKind = "rdb" | "aof";

/** Tracks the running background job, if any. */
export class BackgroundWork {
  /** The job running now, or null. */
  kind: BackgroundKind | null = null;
  /** Called whenever the slot frees up (scheduled work may start then). */
  onIdle: () => void = () => {};

  /** True while a job runs. */
  get busy(): boolean {
    return this.kind !== null;
  }

  /** Takes the slot (it must be free). */
  begin(kind: BackgroundKind): void {
    if (this.kind !== null) throw new Error(`A ${this.kind} job is already running`);
    this.kind = kind;
  }

  /** Frees the slot. */
  end(kind: BackgroundKind): void {
    if (this.kind !== kind) return;
    this.kind = null;
    this.onIdle();
  }
}
