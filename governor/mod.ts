/**
 * The Rain governor: one per machine, runs tasks and holds objects.
 *
 * @example Start a governor
 * ```ts ignore
 * import { startGovernor } from "./mod.ts";
 * const governor = await startGovernor({ server: "localhost:7210" });
 * ```
 *
 * @module
 */
export { type Governor, type GovernorOptions, startGovernor } from "./governor.ts";
export type { GovernorTls } from "./server_link.ts";
export type { WsClient } from "../runtime/types.ts";
