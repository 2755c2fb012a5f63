/**
 * Files replaced atomically: the content is written to a temporary file in
 * the same directory, fsynced, renamed over the target, and the directory
 * is fsynced so the rename itself survives a crash. A crash at any point
 * leaves either the old file or the complete new one.
 *
 * @module
 */

import { dirname } from "node:path";

/** Flushes a directory's entries (a rename or a new file in it) to disk. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

/** {@link fsyncDirectory}, synchronously. */
export function fsyncDirectorySync(dir: string): void {
  const handle = Deno.openSync(dir, { read: true });
  try {
    handle.syncSync();
  } finally {
    handle.close();
  }
}

const WRITE_OPTIONS: Deno.OpenOptions = { write: true, create: true, truncate: true };

/** A file being written under a temporary name, to replace its target when complete. */
export class AtomicFile {
  private closed = false;
  /** Bytes written so far. */
  size = 0;

  private constructor(
    /** The file to replace. */
    readonly path: string,
    /** Where the content is written until {@link commit}. */
    readonly tempPath: string,
    private readonly file: Deno.FsFile,
  ) {}

  /** Opens (truncating) the temporary file. */
  static async create(path: string, tempPath: string): Promise<AtomicFile> {
    return new AtomicFile(path, tempPath, await Deno.open(tempPath, WRITE_OPTIONS));
  }

  /** {@link create}, synchronously. */
  static createSync(path: string, tempPath: string): AtomicFile {
    return new AtomicFile(path, tempPath, Deno.openSync(tempPath, WRITE_OPTIONS));
  }

  /** Appends bytes. */
  async write(chunk: Uint8Array): Promise<void> {
    let off = 0;
    while (off < chunk.length) off += await this.file.write(chunk.subarray(off));
    this.size += chunk.length;
  }

  /** Appends bytes, synchronously. */
  writeSync(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += this.file.writeSync(chunk.subarray(off));
    this.size += chunk.length;
  }

  /** Flushes what was written so far to disk (incremental fsync of a long write). */
  async sync(): Promise<void> {
    await this.file.syncData();
  }

  /**
   * Makes the content durable and puts it in place of the target, unless
   * `stillWanted` says otherwise once the data is on disk (a cancelled
   * save must not replace a file written meanwhile). The rename itself is
   * synchronous so that nothing can run between that check and it.
   * Returns whether the target was replaced.
   */
  async commit(stillWanted: () => boolean = () => true): Promise<boolean> {
    await this.file.sync();
    if (!stillWanted()) {
      this.abort();
      return false;
    }
    this.close();
    Deno.renameSync(this.tempPath, this.path);
    await fsyncDirectory(dirname(this.path));
    return true;
  }

  /** {@link commit}, synchronously. */
  commitSync(): void {
    this.file.syncSync();
    this.close();
    Deno.renameSync(this.tempPath, this.path);
    fsyncDirectorySync(dirname(this.path));
  }

  /** Gives up: closes and deletes the temporary file (errors are ignored). */
  abort(): void {
    this.close();
    try {
      Deno.removeSync(this.tempPath);
    } catch {
      // Already gone, or never created.
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.file.close();
    } catch {
      // Closing twice or after an I/O error is harmless here.
    }
  }
}
