/**
 * `rain governor SERVER`: one governor joining a running server.
 *
 * @module
 */
import { formatAddress, parseAddress } from "../common/address.ts";
import { startGovernor } from "../governor/mod.ts";
import { DEFAULT_SERVER_PORT } from "../server/mod.ts";
import { defineCommand, option, UsageError } from "./command.ts";
import { GOVERNOR_OPTIONS, governorOptions } from "./governor_options.ts";
import { address } from "./values.ts";

/** `rain governor`. */
export const governorCommand = defineCommand({
  name: "governor",
  summary:
    `Runs a governor that joins the server at SERVER (HOST[:PORT], port ${DEFAULT_SERVER_PORT} by default).`,
  positionals: ["SERVER"],
  options: {
    ...GOVERNOR_OPTIONS,
    listen: option(
      "HOST:PORT",
      "address of the governor's data server (default 127.0.0.1, a free port)",
      address(0),
    ),
  },
  async run(values, [serverArg], { lifecycle, log }) {
    const server = serverAddress(serverArg!);
    const gov = lifecycle.add(
      await startGovernor({
        server,
        ...governorOptions(values),
        ...(values.listen ?? { hostname: "127.0.0.1", port: 0 }),
        log,
      }),
    );
    console.log(`Governor ${gov.id} with ${gov.cpus} cpus joined ${server}`);
    gov.closed.then((reason) => lifecycle.fail(`server connection ended (${reason}); exiting`));
  },
});

/** The server's `host:port` from the SERVER argument. */
function serverAddress(raw: string): string {
  try {
    const { hostname, port } = parseAddress(raw, DEFAULT_SERVER_PORT);
    return formatAddress(hostname, port);
  } catch (e) {
    throw new UsageError(`SERVER: ${(e as Error).message}`);
  }
}
