/**
 * A window over a file read in chunks, for parsers that consume items of
 * unknown size: when an item runs past the end of the window, the parser
 * asks for more and parses the item again from its start. The window at
 * least doubles on each refill, so an item spanning many chunks (a huge
 * value) costs O(size · log) to parse, not O(size²).
 *
 * @module
 */

/** Bytes read from the file per refill, at least. */
const CHUNK = 1024 * 1024;

/** Bytes being parsed: a window starting at file offset `base`, parsed up to `pos`. */
export interface ByteWindow {
  readonly buf: Uint8Array;
  readonly base: number;
  pos: number;
}

/** A file read sequentially through a growing window. */
export class ChunkedFile implements ByteWindow {
  /** The window: bytes from file offset {@link base} on. */
  buf: Uint8Array = new Uint8Array(0);
  /** File offset of `buf[0]`. */
  base = 0;
  /** Parse position in the window (bytes before it are consumed). */
  pos = 0;
  /** The whole file has been read into the window at some point. */
  eof = false;

  constructor(private readonly file: Deno.FsFile, readonly size: number) {}

  /** File offset of the parse position. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes available from the parse position. */
  get available(): number {
    return this.buf.length - this.pos;
  }

  private grow(): Uint8Array {
    const keep = this.buf.subarray(this.pos);
    const want = Math.max(CHUNK, keep.length);
    const next = new Uint8Array(keep.length + want);
    next.set(keep);
    this.base += this.pos;
    this.pos = 0;
    return next;
  }

  /** Reads more of the file into the window; returns false at the end of the file. */
  async more(): Promise<boolean> {
    if (this.eof) return false;
    const kept = this.available;
    const next = this.grow();
    let filled = kept;
    while (filled < next.length) {
      const n = await this.file.read(next.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return this.finish(next, kept, filled);
  }

  /** {@link more}, synchronously. */
  moreSync(): boolean {
    if (this.eof) return false;
    const kept = this.available;
    const next = this.grow();
    let filled = kept;
    while (filled < next.length) {
      const n = this.file.readSync(next.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return this.finish(next, kept, filled);
  }

  private finish(next: Uint8Array, kept: number, filled: number): boolean {
    this.buf = next.subarray(0, filled);
    if (filled < next.length || this.base + filled >= this.size) this.eof = true;
    return filled > kept;
  }
}
