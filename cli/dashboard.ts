/**
 * `rain dashboard LOG`: the dashboard of a past run, from its event log (a
 * file, or a `--log-dir` directory whose newest file is opened).
 *
 * @module
 */
import { formatAddress } from "../common/address.ts";
import { startLogViewer } from "../server/mod.ts";
import { defineCommand, option } from "./command.ts";
import { address } from "./values.ts";

/** `rain dashboard`. */
export const dashboardCommand = defineCommand({
  name: "dashboard",
  summary:
    "Serves the dashboard of a past run from its event log (LOG: a file, or a --log-dir directory).",
  positionals: ["LOG"],
  options: {
    listen: option(
      "HOST:PORT",
      "address of the dashboard (default 127.0.0.1, a free port)",
      address(0),
    ),
  },
  async run(values, [path], { lifecycle, log }) {
    const viewer = lifecycle.add(
      await startLogViewer({
        path: path!,
        ...(values.listen ?? { hostname: "127.0.0.1", port: 0 }),
        log,
        tokenFile: true,
      }),
    );
    const where = formatAddress(viewer.hostname, viewer.port);
    const sessions = viewer.monitoring.monitor.sessions.size;
    console.log(
      `Event log ${viewer.file}: ${viewer.monitoring.events.seq} events, ${sessions} sessions`,
    );
    // A run's log shows its sessions and tasks: the viewer has a secret too.
    console.log(`Dashboard: http://${where}/dashboard/?token=${encodeURIComponent(viewer.token)}`);
    console.log("Press Ctrl-C to stop.");
  },
});
