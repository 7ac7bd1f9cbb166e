/**
 * The shell script a launcher runs on each host (through `ssh HOST SCRIPT`
 * or `srun ... sh -c SCRIPT`) to start one governor. It finds the `rain`
 * command, hands the token over through stdin (never on a command line,
 * which `ps` shows), and stops the governor when the launcher goes away:
 * the launcher holds the script's stdin open, and its end (ssh or srun gone)
 * sends the governor SIGTERM, so no governor outlives its launcher.
 *
 * @module
 */

/** What the governor on one host is started with. */
export interface GovernorScriptOptions {
  /**
   * The shell words running `rain` there (`--governor-command`); by default
   * `rain` on the remote PATH, else the one `npx` finds (never downloaded).
   */
  command?: string | undefined;
  /** The server's `host:port` as the host reaches it. */
  server: string;
  /** The address the governor registers (`--advertise`). */
  advertise?: string | undefined;
  /** Its cpus. */
  cpus?: number | undefined;
  /** Its work directory on that host. */
  workDir?: string | undefined;
  /** Whether the first line of stdin is the server's token (`--token-file -`). */
  token: boolean;
  /** Heap limit of its executors (MB). */
  executorMemoryMb?: number | undefined;
}

/**
 * Quotes a word for a POSIX shell.
 *
 * @param word The word.
 * @returns It in single quotes.
 */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Writes the script.
 *
 * @example
 * ```ts ignore
 * governorScript({ server: "n1:7210", advertise: "n2", cpus: 8, token: true });
 * ```
 *
 * @param o The governor's options.
 * @returns A POSIX shell script.
 */
export function governorScript(o: GovernorScriptOptions): string {
  const args = ["governor", o.server];
  if (o.advertise !== undefined) args.push("--advertise", o.advertise);
  if (o.cpus !== undefined) args.push("--cpus", String(o.cpus));
  if (o.workDir !== undefined) args.push("--work-dir", o.workDir);
  if (o.executorMemoryMb !== undefined) args.push("--executor-memory", String(o.executorMemoryMb));
  if (o.token) args.push("--token-file", "-");
  const governor = `$rain ${args.map(shellQuote).join(" ")}`;
  const find = o.command === undefined
    ? [
      // `npx --no`: a package found locally or globally, never one downloaded from the registry.
      `rain=$(command -v rain || npx --no -c 'command -v rain' 2>/dev/null) || {`,
      `  echo "rain: no rain command on $(hostname): install the rain npm package there" \\`,
      `    "(npm install -g rain-VERSION.tgz) or give --governor-command" >&2; exit 127; }`,
    ]
    : [`rain=${shellQuote(o.command)}`];
  return [
    "exec 3<&0",
    ...find,
    ...(o.token
      ? [`IFS= read -r token <&3 || exit 1`, `printf '%s\\n' "$token" | ${governor} &`]
      : [`${governor} </dev/null &`]),
    "governor=$!",
    // The launcher keeps stdin open while it runs; its end stops the governor.
    `{ cat <&3; kill -TERM "$governor"; } >/dev/null 2>&1 &`,
    "watcher=$!",
    `wait "$governor"; status=$?`,
    `kill "$watcher" 2>/dev/null`,
    `exit "$status"`,
    "",
  ].join("\n");
}
