/**
 * Loading an AOF at startup: each file the manifest lists, in order. A file
 * may start with an RDB (a base file, or an old-style RDB preamble), then
 * holds commands, replayed through the command handlers by an internal
 * client as Redis's fake AOF client does.
 *
 * Recovery follows Redis: a command cut short at the end of the last file
 * (a crash mid-write), or an unterminated MULTI there, is dropped and the
 * file truncated to its last complete command when `aof-load-truncated` is
 * on; otherwise, or anywhere else, loading fails naming the file and the
 * offset.
 *
 * @module
 */

import { join } from "node:path";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { latin1, lowerAscii } from "../util/bytes.ts";
import type { AofFileInfo } from "./aof_manifest.ts";
import { AofFormatError, parseAofCommand } from "./aof_parser.ts";
import { ChunkedFile } from "./chunked_file.ts";
import { type LoadingProgress, LoadingStopped } from "./loading.ts";
import { loadRdbStream, RdbLoader } from "./rdb_loader.ts";
import { logLoaded } from "./rdb_service.ts";
import type { PersistenceSettings } from "./settings.ts";
import { yieldToEventLoop } from "./snapshot.ts";

/** Loading the AOF failed; the message says which file, where and what to do. */
export class AofLoadError extends Error {
  override name = "AofLoadError";
}

/** How one file loaded. */
export type AofFileResult = "ok" | "truncated" | "empty";

/** Longest stretch of replaying before clients are let in (to get `-LOADING`). */
const REPLAY_SLICE_MS = 10;

/** Replays commands read from one AOF file, as Redis's fake AOF client does. */
class AofReplayer {
  private readonly client: Client;
  /** Commands of an open MULTI, run at its EXEC. */
  private queued: Uint8Array[][] | null = null;
  /** Commands executed. */
  commands = 0;

  constructor(private readonly server: Server, private readonly file: string) {
    this.client = server.createClient(null);
  }

  /** True inside a MULTI whose EXEC has not been read yet. */
  get inMulti(): boolean {
    return this.queued !== null;
  }

  /** Executes (or queues) one command read at `offset`. */
  execute(argv: Uint8Array[], offset: number): void {
    const name = lowerAscii(argv[0]);
    if (name === "multi") {
      this.queued = [];
      return;
    }
    if (name === "exec" && this.queued !== null) {
      const queued = this.queued;
      this.queued = null;
      for (const command of queued) this.run(command, offset);
      return;
    }
    if (this.queued !== null) {
      this.queued.push(argv.map((a) => a.slice()));
      return;
    }
    this.run(argv, offset);
  }

  private resolve(argv: Uint8Array[], offset: number): CommandSpec {
    const commands = this.server.commands;
    const unknown = () =>
      new AofFormatError(
        `Unknown command '${latin1(argv[0])}' reading the append only file ${this.file}`,
        offset,
      );
    let spec = commands.lookup(argv[0]);
    if (spec === undefined) throw unknown();
    if (spec.subcommands !== undefined && argv.length >= 2) {
      spec = commands.subcommand(spec, argv[1]);
      if (spec === undefined) throw unknown();
    }
    const arityOk = spec.arity >= 0 ? argv.length === spec.arity : argv.length >= -spec.arity;
    if (!arityOk || spec.handler === undefined) {
      throw new AofFormatError(
        `Wrong number of arguments for '${
          latin1(argv[0])
        }' reading the append only file ${this.file}`,
        offset,
      );
    }
    return spec;
  }

  private run(argv: Uint8Array[], offset: number): void {
    const spec = this.resolve(argv, offset);
    const c = this.client;
    spec.handler!(c, argv);
    c.out.truncate(0);
    c.propagateOverride = null;
    if (c.blocked !== null) {
      throw new AofFormatError(
        `A command would block reading the append only file ${this.file}`,
        offset,
      );
    }
    this.commands++;
  }
}

/** What loading one file needs. */
export interface AofLoadContext {
  readonly server: Server;
  readonly settings: PersistenceSettings;
  readonly progress: LoadingProgress;
  /** Directory of the AOF files. */
  readonly dir: string;
}

function truncationAdvice(file: string): string {
  return `Unexpected end of file reading the append only file ${file}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
}

/** Loads one AOF file into the keyspace. `isLast`: the only file allowed to end cut short. */
export async function loadAofFile(
  ctx: AofLoadContext,
  info: AofFileInfo,
  isLast: boolean,
): Promise<AofFileResult> {
  const { server, settings, progress } = ctx;
  const log = server.log;
  const path = join(ctx.dir, info.name);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    throw new AofLoadError(
      `Fatal error: can't open the append log file ${info.name} for reading: ${
        (e as Error).message
      }`,
    );
  }
  const started = performance.now();
  let size = 0;
  try {
    size = (await file.stat()).size;
    if (size === 0) return "empty";
    const input = new ChunkedFile(file, size);
    while (input.available < 5 && await input.more());
    const isRdb = input.available >= 5 && latin1(input.buf.subarray(0, 5)) === "REDIS";
    if (isRdb) {
      log.notice("Reading RDB base file on AOF loading...");
      const loader = new RdbLoader(
        server.keyspace,
        settings.loadOptions(false),
        () => settings.keyLoadDelay(),
      );
      try {
        await loadRdbStream(input, loader, {
          progress: (offset, keys) => progress.update(offset, keys, info.name),
          keyDelayMicros: () => settings.keyLoadDelay(),
        });
      } catch (e) {
        if (e instanceof LoadingStopped) throw e;
        const offset = (e as { offset?: number }).offset;
        throw new AofLoadError(
          `Error reading the RDB base file ${info.name}, AOF loading aborted${
            offset !== undefined ? ` (offset ${offset})` : ""
          }: ${(e as Error).message}`,
        );
      }
      logLoaded(server, loader.result);
    }
    const replayer = new AofReplayer(server, info.name);
    let validUpTo = input.offset;
    let sliceEnd = performance.now() + REPLAY_SLICE_MS;
    for (;;) {
      const at = input.offset;
      let argv: Uint8Array[] | null;
      try {
        argv = parseAofCommand(input);
        if (argv !== null) replayer.execute(argv, at);
      } catch (e) {
        if (!(e instanceof AofFormatError)) throw e;
        throw new AofLoadError(
          `Bad file format reading the append only file ${info.name} at offset ${e.offset}: ${e.message}. Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
        );
      }
      if (argv === null) {
        if (await input.more()) continue;
        break;
      }
      if (!replayer.inMulti) validUpTo = input.offset;
      const delay = settings.keyLoadDelay();
      if (delay > 0 || performance.now() >= sliceEnd) {
        progress.update(input.offset, replayer.commands, info.name);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay / 1000));
        else await yieldToEventLoop();
        server.keyspace.updateTime();
        sliceEnd = performance.now() + REPLAY_SLICE_MS;
      }
    }
    const cutShort = input.available > 0 || replayer.inMulti;
    if (!cutShort) {
      progress.fileDone(size);
      log.notice(
        `DB loaded from ${info.type === "b" ? "base" : "incr"} file ${info.name}: ${
          ((performance.now() - started) / 1000).toFixed(3)
        } seconds`,
      );
      return "ok";
    }
    if (replayer.inMulti) {
      log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${info.name}`);
    }
    if (!server.config.bool("aof-load-truncated")) {
      throw new AofLoadError(
        `${truncationAdvice(info.name)} (last valid command ends at offset ${validUpTo})`,
      );
    }
    if (!isLast) {
      throw new AofLoadError(
        `Fatal error: the truncated file is not the last file (${info.name}, last valid command ends at offset ${validUpTo})`,
      );
    }
    log.warning(`!!! Warning: short read while loading the AOF file ${info.name}!!!`);
    log.warning(`!!! Truncating the AOF ${info.name} at offset ${validUpTo} !!!`);
    await Deno.truncate(path, validUpTo);
    log.warning(`AOF ${info.name} loaded anyway because aof-load-truncated is enabled`);
    progress.fileDone(size);
    return "truncated";
  } finally {
    file.close();
  }
}
