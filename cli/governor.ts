/**
 * `rain governor SERVER`: one governor joining a running server.
 *
 * @module
 */
import { formatAddress, isWildcard, parseAddress } from "../common/address.ts";
import { startGovernor } from "../governor/mod.ts";
import { DEFAULT_SERVER_PORT } from "../server/mod.ts";
import { defineCommand, flag, option, UsageError } from "./command.ts";
import { GOVERNOR_OPTIONS, governorOptions } from "./governor_options.ts";
import { GOVERNOR_SECURITY_OPTIONS, governorSecurity } from "./security_options.ts";
import { address } from "./values.ts";

/** `rain governor`. */
export const governorCommand = defineCommand({
  name: "governor",
  summary:
    `Runs a governor that joins the server at SERVER (HOST[:PORT], port ${DEFAULT_SERVER_PORT} by ` +
    "default; wss://HOST[:PORT] for TLS).",
  positionals: ["SERVER"],
  options: {
    ...GOVERNOR_OPTIONS,
    ...GOVERNOR_SECURITY_OPTIONS,
    listen: option(
      "HOST[:PORT]",
      "where its data server listens (default: the interface it reaches the server over, " +
        "a free port; 0.0.0.0 = every interface)",
      address(0),
    ),
    advertise: option(
      "HOST[:PORT]",
      "the address it registers, where others fetch its objects (default: the --listen " +
        "address, or the interface it reaches the server over)",
      checkedAdvertise,
    ),
    "exit-on-disconnect": flag(
      "exit (code 1) when the server is unreachable or the connection ends, " +
        "instead of retrying and rejoining",
    ),
  },
  notes: "Without --exit-on-disconnect the governor waits for an unreachable server and rejoins\n" +
    "a restarted one (the tasks and objects of sessions that died with it are dropped).",
  async run(values, [serverArg], { lifecycle, log }) {
    const server = serverAddress(serverArg!);
    const gov = lifecycle.add(
      await startGovernor({
        server,
        ...governorSecurity(values),
        ...governorOptions(values),
        ...values.listen,
        advertise: values.advertise,
        reconnect: !values["exit-on-disconnect"],
        signal: lifecycle.signal,
        log,
      }),
    );
    console.log(`Governor ${gov.id} with ${gov.cpus} cpus joined ${server}`);
    gov.closed.then((reason) => lifecycle.fail(`server connection ended (${reason}); exiting`));
  },
});

/** `--advertise`: a host (and port) to connect to, never a wildcard. */
function checkedAdvertise(raw: string, flag: string): string {
  if (isWildcard(address(0)(raw, flag).hostname)) {
    throw new UsageError(`${flag}: "${raw}" is a wildcard address, not one to connect to`);
  }
  return raw;
}

/** The server's `host:port` from the SERVER argument, with its scheme if it had one. */
function serverAddress(raw: string): string {
  const scheme = /^(wss|https|ws|http):\/\//i.exec(raw)?.[0] ?? "";
  try {
    const { hostname, port } = parseAddress(raw.slice(scheme.length), DEFAULT_SERVER_PORT);
    return `${scheme}${formatAddress(hostname, port)}`;
  } catch (e) {
    throw new UsageError(`SERVER: ${(e as Error).message}`);
  }
}
