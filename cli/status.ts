/**
 * `rain status [SERVER]`: the governors and sessions of a running server,
 * as tables or (`--json`) as the server's JSON.
 *
 * @module
 */
import { formatAddress, parseAddress } from "../common/address.ts";
import { DEFAULT_SERVER_PORT } from "../server/mod.ts";
import { defineCommand, flag, UsageError } from "./command.ts";
import { type ClusterStatus, formatStatus } from "./status_table.ts";

/** `rain status`. */
export const statusCommand = defineCommand({
  name: "status",
  summary:
    `Prints the governors and sessions of the server at SERVER (default 127.0.0.1:${DEFAULT_SERVER_PORT}).`,
  positionals: ["SERVER?"],
  options: {
    json: flag("print the server's state as JSON (GET /api/cluster) instead of tables"),
  },
  async run(values, [serverArg]) {
    let server: string;
    try {
      const { hostname, port } = parseAddress(serverArg ?? "127.0.0.1", DEFAULT_SERVER_PORT);
      server = formatAddress(hostname, port);
    } catch (e) {
      throw new UsageError(`SERVER: ${(e as Error).message}`);
    }
    let status: ClusterStatus & { time: number };
    try {
      const r = await fetch(`http://${server}/api/cluster`);
      if (!r.ok) throw new Error(`HTTP ${r.status} ${await r.text()}`);
      status = await r.json();
    } catch (e) {
      throw new Error(`Cannot read the status of Rain server ${server}: ${(e as Error).message}`);
    }
    if (values.json) {
      const { governors, sessions, time } = status;
      console.log(JSON.stringify({ time, governors, sessions }, null, 2));
    } else console.log(formatStatus(status, status.time).trimEnd());
  },
});
