/**
 * Rift command line: `rift [config-file] [--directive value ...]`, like
 * `redis-server`. Every configuration directive can be given as a flag
 * (`--port 6380 --save ""`); `--human` turns on the telnet-friendly mode.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Config, ConfigError } from "./src/config/config.ts";
import { runServerProcess, StartupError } from "./src/server/process.ts";
import { versionText } from "./src/version.ts";

const USAGE = `Usage: rift [config-file] [options]

Starts a Redis-compatible server (default 127.0.0.1:6380, in memory).

Options:
  --port <n>          TCP port (default 6380)
  --bind <addr>       address(es) to listen on (default 127.0.0.1)
  --human             friendly mode for people typing over telnet or nc
  --config <file>     load a redis.conf-style file
  --<directive> <v>   set any configuration directive, e.g. --save "" --maxmemory 1gb
  --rename-command <name> <new>  rename a command ("" disables it)
  --version, -v       print version, source commit and Deno version, then exit
  --help, -h          print this help and exit
`;

/** A flag parsed from the command line: a directive name and its words. */
interface Flag {
  name: string;
  values: string[];
}

/** Splits argv into a config file and directive flags, like redis-server does. */
function parseCommandLine(
  args: string[],
): { configFile: string | null; flags: Flag[]; help: boolean; version: boolean } {
  const { tokens } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
  });
  let configFile: string | null = null;
  const flags: Flag[] = [];
  let help = false;
  let version = false;
  for (const token of tokens ?? []) {
    if (token.kind === "option") {
      if (token.name === "help") help = true;
      else if (token.name === "version") version = true;
      else flags.push({ name: token.name, values: token.value !== undefined ? [token.value] : [] });
    } else if (token.kind === "positional") {
      if (flags.length === 0 && configFile === null) configFile = token.value;
      else if (flags.length > 0) flags[flags.length - 1].values.push(token.value);
      else throw new ConfigError(`Unexpected argument '${token.value}'`);
    } else if (token.kind === "option-terminator") {
      throw new ConfigError("Unexpected '--'");
    }
  }
  return { configFile, flags, help, version };
}

/** Builds the configuration from the command line. */
async function buildConfig(args: string[]): Promise<Config | null> {
  const { configFile, flags, help, version } = parseCommandLine(args);
  if (help) {
    console.log(USAGE);
    return null;
  }
  if (version) {
    console.log(versionText());
    return null;
  }
  const config = new Config();
  const explicitFile = flags.find((f) => f.name === "config");
  const file = explicitFile ? explicitFile.values[0] : configFile;
  if (explicitFile && explicitFile.values.length !== 1) {
    throw new ConfigError("--config needs exactly one file name");
  }
  if (file) await config.loadFile(file);
  for (const flag of flags) {
    if (flag.name === "config") continue;
    if (flag.name === "rename-command") {
      if (flag.values.length !== 2) {
        throw new ConfigError("--rename-command needs the command and its new name");
      }
      config.renamedCommands.set(flag.values[0].toLowerCase(), flag.values[1]);
      continue;
    }
    if (flag.name === "human") {
      if (flag.values.length > 1) throw new ConfigError("--human takes no value");
      config.applyStartup("human-mode", [flag.values[0] ?? "yes"], "--human");
      continue;
    }
    if (!config.directive(flag.name)) {
      throw new ConfigError(`Unknown option --${flag.name}`);
    }
    if (flag.values.length === 0) {
      throw new ConfigError(`Option --${flag.name} needs a value`);
    }
    config.applyStartup(flag.name, flag.values, `--${flag.name}`);
  }
  return config;
}

async function main(): Promise<void> {
  let config: Config | null;
  try {
    config = await buildConfig(Deno.args);
    if (config === null) return;
    await runServerProcess(config);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StartupError || e instanceof TypeError) {
      console.error(`rift: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
  Deno.exit(0);
}

if (import.meta.main) await main();
