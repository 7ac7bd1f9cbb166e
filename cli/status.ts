/**
 * `rain status [SERVER]`: the governors and sessions of a running server,
 * as tables or (`--json`) as the server's JSON.
 *
 * @module
 */
import { authHeaders } from "../common/auth.ts";
import { parseServerAddress } from "../common/server_address.ts";
import { findToken } from "../common/token_file.ts";
import { runtime } from "../runtime/mod.ts";
import { DEFAULT_SERVER_PORT } from "../server/mod.ts";
import { defineCommand, flag, option, UsageError } from "./command.ts";
import { GOVERNOR_SECURITY_OPTIONS } from "./security_options.ts";
import { type ClusterStatus, formatStatus } from "./status_table.ts";

/** `rain status`. */
export const statusCommand = defineCommand({
  name: "status",
  summary:
    `Prints the governors and sessions of the server at SERVER (default 127.0.0.1:${DEFAULT_SERVER_PORT}).`,
  positionals: ["SERVER?"],
  options: {
    json: flag("print the server's state as JSON (GET /api/cluster) instead of tables"),
    "token-file": GOVERNOR_SECURITY_OPTIONS["token-file"],
    "tls-ca": option(
      "FILE",
      "for an https:// SERVER: CA certificates (PEM) to trust instead of the system's",
      GOVERNOR_SECURITY_OPTIONS["tls-ca"].parse,
    ),
  },
  async run(values, [serverArg]) {
    let target;
    try {
      target = parseServerAddress(serverArg ?? "127.0.0.1");
    } catch (e) {
      throw new UsageError(`SERVER: ${(e as Error).message}`);
    }
    const server = target.address;
    // The secret as a client finds it: --token-file, RAIN_TOKEN, or this user's token file.
    const token = values["token-file"] ?? (await findToken(target.host, target.port))?.token;
    const scheme = target.tls || values["tls-ca"] !== undefined ? "https" : "http";
    let status: ClusterStatus & { time: number };
    try {
      const r = await runtime.httpGet(`${scheme}://${server}/api/cluster`, {
        headers: authHeaders(token),
        ca: values["tls-ca"],
      });
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
