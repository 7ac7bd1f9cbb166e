/**
 * `rain start`: a server with governors in this process and on other hosts
 * (a host file over ssh, or the nodes of a PBS or Slurm job).
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { formatAddress, isLoopback, isWildcard } from "../common/address.ts";
import { startGovernor } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";
import { DEFAULT_SERVER_PORT } from "../server/mod.ts";
import { defineCommand, flag, option, UsageError } from "./command.ts";
import { GOVERNOR_OPTIONS, governorOptions } from "./governor_options.ts";
import { readHostFile } from "./launchers/host_file.ts";
import { pbsNodes } from "./launchers/pbs.ts";
import {
  type GovernorHost,
  onPath,
  type RemoteGovernorOptions,
  startRemoteGovernors,
} from "./launchers/remote_governors.ts";
import { slurmNodes } from "./launchers/slurm.ts";
import { SERVER_OPTIONS, startServerPart } from "./server.ts";
import { TLS_CA_OPTION } from "./security_options.ts";
import { nonNegativeInteger } from "./values.ts";

const AUTOCONF = ["pbs", "slurm"] as const;

/** `rain start`. */
export const startCommand = defineCommand({
  name: "start",
  summary: "Starts a server and governors: in this process, over ssh on the hosts of a file, " +
    "or on the nodes of a PBS or Slurm job.",
  positionals: [],
  options: {
    simple: flag("one local governor (same as --governors 1)"),
    governors: option("N", "N governors in this process", nonNegativeInteger),
    "governor-host-file": option("FILE", "one governor per host of FILE (one per line), over ssh"),
    autoconf: option("pbs|slurm", "one governor per node of this PBS or Slurm job", autoconf),
    "governor-command": option(
      "CMD",
      "what runs rain on each host (default: rain on its PATH, else the one npx finds)",
    ),
    ...SERVER_OPTIONS,
    ...GOVERNOR_OPTIONS,
    ...TLS_CA_OPTION,
  },
  notes: [
    "With --work-dir DIR and more than one local governor, each gets DIR/governor-I; remote",
    "governors use DIR on their host. --autoconf listens on every interface by default",
    "(0.0.0.0:7210): the governors join the server at the job's first node; --cpus overrides",
    "the batch system's cpu counts. With --autoconf slurm, governors start as srun steps when",
    "srun is on the PATH, else over ssh.",
  ].join("\n"),
  async run(values, _positionals, { lifecycle, log }) {
    const local = values.governors ?? (values.simple ? 1 : 0);
    const hostFile = values["governor-host-file"];
    if (values.simple && values.governors !== undefined && values.governors !== 1) {
      throw new UsageError(`--simple is one governor, but --governors says ${local}`);
    }
    if (hostFile && values.autoconf) {
      throw new UsageError("give --governor-host-file or --autoconf, not both");
    }
    if (local === 0 && !hostFile && !values.autoconf) {
      throw new UsageError(
        "needs --simple, --governors N, --governor-host-file FILE or --autoconf pbs|slurm",
      );
    }
    if ((hostFile || values.autoconf) && values["tls-cert"] !== undefined) {
      throw new UsageError(
        "with TLS, governors on other hosts need certificates of their own: start them with " +
          "rain governor wss://SERVER --tls-cert FILE --tls-key FILE",
      );
    }
    if (values["governor-command"] && !hostFile && !values.autoconf) {
      throw new UsageError("--governor-command needs --governor-host-file or --autoconf");
    }
    const remote = hostFile
      ? { hosts: await readHostFile(hostFile), via: "ssh" as const, onFirstNode: false }
      : values.autoconf
      ? await batchJobHosts(values.autoconf, log)
      : undefined;
    const listen = values.listen ??
      (values.autoconf ? { hostname: "0.0.0.0", port: DEFAULT_SERVER_PORT } : undefined);
    const { server, joinAt } = await startServerPart({ ...values, listen }, lifecycle, log, {
      governors: local > 0,
    });
    // In a batch job the first node's name is the one every node resolves.
    const serverAt = remote?.onFirstNode && isWildcard(server.hostname)
      ? formatAddress(remote.hosts[0]!.host, server.port)
      : joinAt;
    const options = governorOptions(values);
    // Local governors get the secret directly, and with TLS the server's certificate.
    const security = {
      server: server.tls ? `wss://${serverAt}` : serverAt,
      token: server.token ?? undefined,
      tls: server.tls
        ? { cert: values["tls-cert"], key: values["tls-key"], ca: values["tls-ca"] }
        : undefined,
    };
    for (let i = 1; i <= local; i++) {
      const workDir = options.workDir && local > 1
        ? join(options.workDir, `governor-${i}`)
        : options.workDir;
      // In this process: joined without a socket (server.connectGovernor), a hop less per task.
      const connect = server.connectGovernor;
      const gov = lifecycle.add(
        await startGovernor({ ...security, ...options, workDir, log, connect }),
      );
      console.log(`Governor ${gov.id} with ${gov.cpus} cpus joined (work dir ${gov.workDir})`);
    }
    if (remote) {
      const launch: RemoteGovernorOptions = {
        via: remote.via,
        server: serverAt,
        command: values["governor-command"],
        cpus: options.cpus,
        workDir: options.workDir,
        executorMemoryMb: options.executorMemoryMb,
        token: server.token ?? undefined,
        log,
      };
      lifecycle.add(startRemoteGovernors(remote.hosts, launch));
      const names = remote.hosts.map((h) => h.host).join(", ");
      console.log(`Starting governors with ${remote.via} on ${names}; they join ${serverAt}`);
    }
    console.log("Press Ctrl-C to stop.");
  },
});

/** The nodes of the PBS or Slurm job this runs in, and how to start governors there. */
async function batchJobHosts(
  system: typeof AUTOCONF[number],
  log: (message: string) => void,
): Promise<{ hosts: GovernorHost[]; via: "ssh" | "srun"; onFirstNode: boolean }> {
  const hosts = system === "pbs"
    ? await pbsNodes(runtime.env("PBS_NODEFILE"))
    : slurmNodes(runtime.env);
  const first = hosts[0]!.host;
  const onFirstNode = isLoopback(first) || first.split(".")[0] === hostname().split(".")[0];
  if (!onFirstNode) {
    log(
      `This machine (${hostname()}) is not the job's first node (${first}): ` +
        "the server runs here and the governors join it here",
    );
  }
  const via = system === "slurm" && onPath("srun", runtime.env("PATH")) ? "srun" : "ssh";
  return { hosts, via, onFirstNode };
}

function autoconf(raw: string, flag: string): typeof AUTOCONF[number] {
  const system = AUTOCONF.find((s) => s === raw);
  if (!system) throw new UsageError(`${flag} must be pbs or slurm, got "${raw}"`);
  return system;
}
