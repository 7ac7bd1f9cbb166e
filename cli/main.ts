/**
 * The `rain` command line: `rain COMMAND [options]`, one file per command
 * (see `commands.ts`); `rain --help`, `rain COMMAND --help`, `rain --version`.
 *
 * @module
 */
import { runtime } from "../runtime/mod.ts";
import { type Command, commandHelp, parseCommand, UsageError } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { Lifecycle } from "./lifecycle.ts";
import pkg from "../package.json" with { type: "json" };

/** The version of this Rain (the npm package's). */
export const VERSION: string = pkg.version;

const log = (m: string) => console.error(`rain: ${m}`);

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "Usage: rain COMMAND [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "rain COMMAND --help describes a command's options; rain --version prints the version.",
    "",
  ].join("\n");
}

function wantsHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

async function main(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (name === "--version" || name === "-V") return console.log(VERSION);
  if (name === undefined || name === "help" && rest.length === 0 || wantsHelp([name])) {
    return console.log(overview());
  }
  const command: Command | undefined = COMMANDS.find((c) =>
    c.name === (name === "help" ? rest[0] : name)
  );
  if (!command) {
    throw new UsageError(`Unknown command "${name === "help" ? rest[0] : name}"`);
  }
  if (name === "help" || wantsHelp(rest)) return console.log(commandHelp(command));
  const lifecycle = new Lifecycle(log);
  try {
    const { values, positionals } = parseCommand(command, rest);
    await command.run(values, positionals, { lifecycle, log });
  } catch (e) {
    if (!(e instanceof UsageError)) return lifecycle.fail((e as Error).message);
    // Nothing started yet: usage errors are found before anything starts.
    e.command = command.name;
    throw e;
  }
  lifecycle.settle();
}

/**
 * Runs the `rain` command line. A wrong command line prints the error and a
 * hint and exits with code 2; another error stops what the command started
 * and exits with code 1.
 *
 * @param args The arguments after the program name.
 * @returns Resolves when the command has started (or finished, for one that ends by itself).
 */
export function runCli(args: string[]): Promise<void> {
  return main(args).catch((e) => {
    if (e instanceof UsageError) {
      const where = e.command ? `rain ${e.command}` : "rain";
      console.error(`${where}: ${e.message}\nTry "${where} --help".`);
      runtime.exit(2);
    }
    console.error(`rain: ${(e as Error).message}`);
    runtime.exit(1);
  });
}

if (import.meta.main) runCli(runtime.args());
