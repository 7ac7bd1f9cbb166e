/**
 * Every `rain` command, in the order `rain --help` lists them. A new command
 * is one file under `cli/` exporting a `defineCommand(...)`, added here
 * (`rain status` goes after `governor`).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { governorCommand } from "./governor.ts";
import { serverCommand } from "./server.ts";
import { startCommand } from "./start.ts";

/** The commands of `rain`. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  serverCommand,
  governorCommand,
] as Command[];
