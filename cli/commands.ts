/**
 * Every `rain` command, in the order `rain --help` lists them. A new command
 * is one file under `cli/` exporting a `defineCommand(...)`, added here.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { dashboardCommand } from "./dashboard.ts";
import { governorCommand } from "./governor.ts";
import { serverCommand } from "./server.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";

/** The commands of `rain`. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  serverCommand,
  governorCommand,
  statusCommand,
  dashboardCommand,
] as Command[];
