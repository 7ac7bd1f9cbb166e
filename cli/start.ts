/**
 * `rain start`: a server with governors in this process and, over ssh, on
 * the hosts of a host file.
 *
 * @module
 */
import { join } from "node:path";
import { startGovernor } from "../governor/mod.ts";
import { defineCommand, flag, option, UsageError } from "./command.ts";
import { GOVERNOR_OPTIONS, governorOptions } from "./governor_options.ts";
import { SERVER_OPTIONS, startServerPart } from "./server.ts";
import { readHostFile, startSshGovernors } from "./ssh_governors.ts";
import { nonNegativeInteger } from "./values.ts";

/** `rain start`. */
export const startCommand = defineCommand({
  name: "start",
  summary: "Starts a server and governors: in this process, and over ssh on the hosts of a file.",
  positionals: [],
  options: {
    simple: flag("one local governor (same as --governors 1)"),
    governors: option("N", "N governors in this process", nonNegativeInteger),
    "governor-host-file": option("FILE", "one governor per host of FILE (one per line), over ssh"),
    ...SERVER_OPTIONS,
    ...GOVERNOR_OPTIONS,
  },
  notes: "With --work-dir DIR and more than one local governor, each gets DIR/governor-I.",
  async run(values, _positionals, { lifecycle, log }) {
    const local = values.governors ?? (values.simple ? 1 : 0);
    const hostFile = values["governor-host-file"];
    if (values.simple && values.governors !== undefined && values.governors !== 1) {
      throw new UsageError(`--simple is one governor, but --governors says ${local}`);
    }
    if (local === 0 && !hostFile) {
      throw new UsageError("needs --simple, --governors N or --governor-host-file FILE");
    }
    const hosts = hostFile ? await readHostFile(hostFile) : [];
    const { address } = await startServerPart(values.listen, lifecycle, log);
    const options = governorOptions(values);
    for (let i = 1; i <= local; i++) {
      const workDir = options.workDir && local > 1
        ? join(options.workDir, `governor-${i}`)
        : options.workDir;
      const gov = lifecycle.add(await startGovernor({ server: address, ...options, workDir, log }));
      console.log(`Governor ${gov.id} with ${gov.cpus} cpus joined (work dir ${gov.workDir})`);
    }
    if (hosts.length > 0) {
      lifecycle.add(startSshGovernors(hosts, address, log));
      console.log(`Starting governors over ssh on ${hosts.join(", ")}`);
    }
    console.log("Press Ctrl-C to stop.");
  },
});
