/**
 * The manifest of Redis 7's multi-part AOF: in `appenddirname`, a file
 * `<appendfilename>.manifest` lists one base file (a snapshot, RDB or
 * commands), the incremental files of commands written since, in order,
 * and history files left by a rewrite until they are deleted:
 *
 * ```
 * file appendonly.aof.2.base.rdb seq 2 type b
 * file appendonly.aof.2.incr.aof seq 2 type i
 * ```
 *
 * Rift reads manifests written by Redis and writes ones Redis (and
 * redis-check-aof) read, always atomically (temp file, fsync, rename).
 *
 * @module
 */

import { join } from "node:path";
import { AtomicFile } from "./atomic_file.ts";
import { splitInlineArgs } from "../resp/inline.ts";
import { latin1, latin1Bytes, quoteBytes } from "../util/bytes.ts";

/** One file of the AOF. */
export interface AofFileInfo {
  name: string;
  seq: number;
  /** `b` base, `i` incremental, `h` history. */
  type: "b" | "i" | "h";
}

/** The manifest file is unreadable or inconsistent. */
export class ManifestError extends Error {
  override name = "ManifestError";
}

const MAX_LINE = 1024;

/** The files of a multi-part AOF. */
export class AofManifest {
  base: AofFileInfo | null = null;
  incrs: AofFileInfo[] = [];
  history: AofFileInfo[] = [];
  /** Highest base sequence number used. */
  baseSeq = 0;
  /** Highest incremental sequence number used. */
  incrSeq = 0;

  /** A deep copy, to modify before the new version is persisted. */
  clone(): AofManifest {
    const copy = new AofManifest();
    copy.base = this.base && { ...this.base };
    copy.incrs = this.incrs.map((f) => ({ ...f }));
    copy.history = this.history.map((f) => ({ ...f }));
    copy.baseSeq = this.baseSeq;
    copy.incrSeq = this.incrSeq;
    return copy;
  }

  /** True when no base and no incremental file are listed. */
  get isEmpty(): boolean {
    return this.base === null && this.incrs.length === 0;
  }

  /** Base then incremental files: what loading replays, in order. */
  get loadOrder(): AofFileInfo[] {
    return this.base === null ? [...this.incrs] : [this.base, ...this.incrs];
  }

  /** Parses a manifest's text, with Redis's checks and messages. */
  static parse(text: string): AofManifest {
    const manifest = new AofManifest();
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    if (lines.length === 0) throw new ManifestError("Found an empty AOF manifest");
    let maxIncrSeq = 0;
    lines.forEach((raw, index) => {
      const fail = (why: string) =>
        new ManifestError(`Reading the manifest file, at line ${index + 1}: '${raw}': ${why}`);
      if (raw.startsWith("#")) return;
      if (raw.length > MAX_LINE) throw fail("The AOF manifest file contains too long line");
      const line = raw.trim();
      if (line === "") throw fail("Invalid AOF manifest file format");
      const args = splitInlineArgs(latin1Bytes(line));
      if (args === null || args.length < 6 || args.length % 2 !== 0) {
        throw fail("Invalid AOF manifest file format");
      }
      let name = "";
      let seq = 0;
      let type = "";
      for (let i = 0; i < args.length; i += 2) {
        const key = latin1(args[i]).toLowerCase();
        const value = latin1(args[i + 1]);
        if (key === "file") {
          if (/[/\\]/.test(value)) throw fail("File can't be a path, just a filename");
          name = value;
        } else if (key === "seq") {
          seq = Number.parseInt(value, 10) || 0;
        } else if (key === "type") {
          type = value.charAt(0);
        }
      }
      if (name === "" || seq === 0 || type === "") throw fail("Invalid AOF manifest file format");
      if (type === "b") {
        if (manifest.base !== null) throw fail("Found duplicate base file information");
        manifest.base = { name, seq, type };
        manifest.baseSeq = seq;
      } else if (type === "h") {
        manifest.history.push({ name, seq, type });
      } else if (type === "i") {
        if (seq <= maxIncrSeq) throw fail("Found a non-monotonic sequence number");
        manifest.incrs.push({ name, seq, type });
        manifest.incrSeq = seq;
        maxIncrSeq = seq;
      } else {
        throw fail("Unknown AOF file type");
      }
    });
    return manifest;
  }

  /** The manifest's text: base, then history, then incremental files. */
  format(): string {
    const line = (f: AofFileInfo) => {
      const bytes = latin1Bytes(f.name);
      const needsQuotes = /[^\x21-\x7e]|["\\]/.test(f.name);
      return `file ${needsQuotes ? quoteBytes(bytes) : f.name} seq ${f.seq} type ${f.type}\n`;
    };
    return [...(this.base ? [this.base] : []), ...this.history, ...this.incrs].map(line).join("");
  }

  /**
   * Names a new base file (`<name>.<seq>.base.rdb` or `.base.aof`) and turns
   * the previous base, if any, into history.
   */
  newBase(fileName: string, rdb: boolean): AofFileInfo {
    if (this.base !== null) this.history.unshift({ ...this.base, type: "h" });
    const seq = ++this.baseSeq;
    this.base = { name: `${fileName}.${seq}.base.${rdb ? "rdb" : "aof"}`, seq, type: "b" };
    return this.base;
  }

  /** Adds a new incremental file `<name>.<seq>.incr.aof` at the end. */
  newIncr(fileName: string): AofFileInfo {
    const seq = ++this.incrSeq;
    const info: AofFileInfo = { name: `${fileName}.${seq}.incr.aof`, seq, type: "i" };
    this.incrs.push(info);
    return info;
  }

  /**
   * After a rewrite: every incremental file except the last (`keepLast`,
   * the one being written) becomes history.
   */
  retireIncrs(keepLast: boolean): void {
    const kept = keepLast ? this.incrs.slice(-1) : [];
    const retired = keepLast ? this.incrs.slice(0, -1) : this.incrs;
    for (const f of retired.reverse()) this.history.unshift({ ...f, type: "h" });
    this.incrs = kept;
  }

  /** Writes the manifest atomically into `dir`. */
  persist(dir: string, fileName: string): void {
    const file = AtomicFile.createSync(
      join(dir, `${fileName}.manifest`),
      join(dir, `temp-${fileName}.manifest`),
    );
    try {
      file.writeSync(latin1Bytes(this.format()));
      file.commitSync();
    } catch (e) {
      file.abort();
      throw e;
    }
  }

  /** Reads `<fileName>.manifest` in `dir`; null when the directory or manifest does not exist. */
  static load(dir: string, fileName: string): AofManifest | null {
    let text: string;
    try {
      text = latin1(Deno.readFileSync(join(dir, `${fileName}.manifest`)));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw new ManifestError(
        `Fatal error: can't open the AOF manifest ${fileName}.manifest for reading: ${
          (e as Error).message
        }`,
      );
    }
    return AofManifest.parse(text);
  }
}
