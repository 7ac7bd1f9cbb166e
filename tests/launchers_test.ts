/**
 * Starting governors on other hosts: `rain start --autoconf pbs|slurm` and
 * the ssh/srun launcher, with stand-ins for `ssh` and `srun` that record
 * what they were asked to run (and, for the end-to-end runs, run it here on
 * localhost names).
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, tasks } from "../mod.ts";
import { governorScript } from "../cli/launchers/governor_script.ts";
import { startRemoteGovernors } from "../cli/launchers/remote_governors.ts";
import { CLI, startCli } from "./_cli.ts";
import { until } from "./_util.ts";

/** Stand-in programs in a temporary directory put first on PATH. */
interface StandIns extends AsyncDisposable {
  dir: string;
  path: string;
  /** The argument lists the stand-in `name` was called with, one per call. */
  calls(name: string): Promise<string[][]>;
}

/** `record`: writes its arguments (NUL-separated) and stdin, then ends with stdin. */
const RECORDER = `#!/bin/sh
f="$REC/$(basename "$0").$$"
printf '%s\\0' "$@" > "$f.args"
cat > "$f.stdin"
`;

async function standIns(scripts: Record<string, string>): Promise<StandIns> {
  const dir = await mkdtemp(join(tmpdir(), "rain-launch-"));
  for (const [name, text] of Object.entries(scripts)) {
    await writeFile(join(dir, name), text, { mode: 0o755 });
  }
  return {
    dir,
    path: `${dir}:/usr/bin:/bin`,
    async calls(name) {
      const files = (await readdir(dir)).filter((f) =>
        f.startsWith(`${name}.`) && f.endsWith(".args")
      );
      return await Promise.all(
        files.map(async (f) => (await readFile(join(dir, f), "utf8")).split("\0").slice(0, -1)),
      );
    },
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The governor command line inside a launcher's script (`'governor' 'SERVER' ...`). */
function governorArgs(script: string): string {
  const m = /\$rain ('governor' .*?)( &|$)/m.exec(script);
  assert.ok(m, `a governor command in:\n${script}`);
  return m[1]!.replace(/ <\/dev\/null$/, "");
}

Deno.test("--autoconf pbs: one governor per node of $PBS_NODEFILE over ssh, cpus from its lines", async () => {
  await using s = await standIns({ ssh: RECORDER });
  await writeFile(join(s.dir, "nodes"), "node01\nnode01\nnode02\nnode01\n");
  await using rain = startCli(["start", "--autoconf", "pbs", "--listen", "127.0.0.1:0"], {
    env: { PATH: s.path, REC: s.dir, PBS_NODEFILE: join(s.dir, "nodes") },
  });
  const [, server] = await rain.waitFor(/Rain server listening on (\S+)/);
  await rain.waitFor(/Starting governors with ssh on node01, node02; they join (\S+)/);
  await until(async () => (await s.calls("ssh")).length === 2, "two ssh calls", 10_000);
  const calls = (await s.calls("ssh")).sort((a, b) => a[2]!.localeCompare(b[2]!));
  for (const [i, [host, cpus]] of [["node01", 3], ["node02", 1]].entries()) {
    const [o, batch, target, command] = calls[i]!;
    assert.deepEqual([o, batch, target], ["-o", "BatchMode=yes", host]);
    assert.match(command!, /^exec sh -c '/);
    assert.equal(
      governorArgs(command!.replaceAll(`'\\''`, "'")),
      // The server's secret comes on stdin (`rain start` writes it there).
      `'governor' '${server}' '--advertise' '${host}' '--cpus' '${cpus}' '--token-file' '-'`,
    );
  }
  const stopAt = Date.now();
  rain.child.kill("SIGINT");
  assert.equal((await rain.exited(10_000)).code, 0);
  assert.ok(Date.now() - stopAt < 4000, "the ssh sessions ended with their stdin");
});

Deno.test("--autoconf slurm: srun steps per node of $SLURM_JOB_NODELIST with their cpus", async () => {
  await using s = await standIns({ srun: RECORDER, ssh: RECORDER });
  await using rain = startCli(
    ["start", "--autoconf", "slurm", "--listen", "127.0.0.1:0", "--governor-command", "my rain"],
    {
      env: {
        PATH: s.path,
        REC: s.dir,
        SLURM_JOB_NODELIST: "node[01-02],gpu3",
        SLURM_JOB_CPUS_PER_NODE: "4(x2),8",
        SLURM_CPUS_ON_NODE: "4",
      },
    },
  );
  const [, server] = await rain.waitFor(/Rain server listening on (\S+)/);
  await rain.waitFor(/Starting governors with srun on node01, node02, gpu3/);
  await until(async () => (await s.calls("srun")).length === 3, "three srun calls", 10_000);
  const calls = (await s.calls("srun")).sort((a, b) => a[2]!.localeCompare(b[2]!));
  for (const [i, [host, cpus]] of [["gpu3", 8], ["node01", 4], ["node02", 4]].entries()) {
    const [nodes, ntasks, nodelist, perTask, sh, c, script] = calls[i]!;
    assert.deepEqual(
      [nodes, ntasks, nodelist, perTask, sh, c],
      ["--nodes=1", "--ntasks=1", `--nodelist=${host}`, `--cpus-per-task=${cpus}`, "sh", "-c"],
    );
    assert.match(script!, /^rain='my rain'$/m, "--governor-command");
    assert.equal(
      governorArgs(script!),
      // The server's secret comes on stdin (`rain start` writes it there).
      `'governor' '${server}' '--advertise' '${host}' '--cpus' '${cpus}' '--token-file' '-'`,
    );
  }
  assert.deepEqual(await s.calls("ssh"), [], "no ssh when srun is there");
  rain.child.kill("SIGINT");
  assert.equal((await rain.exited(10_000)).code, 0);
});

Deno.test("--autoconf slurm without srun on the PATH starts governors over ssh", async () => {
  await using s = await standIns({ ssh: RECORDER });
  await using rain = startCli(["start", "--autoconf", "slurm", "--listen", "127.0.0.1:0"], {
    env: { PATH: s.path, REC: s.dir, SLURM_JOB_NODELIST: "cn[7-8]", SLURM_CPUS_ON_NODE: "6" },
  });
  await rain.waitFor(/Starting governors with ssh on cn7, cn8/);
  await until(async () => (await s.calls("ssh")).length === 2, "two ssh calls", 10_000);
  for (const call of await s.calls("ssh")) {
    assert.match(
      governorArgs(call[3]!.replaceAll(`'\\''`, "'")),
      /'--cpus' '6' '--token-file' '-'$/,
    );
  }
  rain.child.kill("SIGINT");
  assert.equal((await rain.exited(10_000)).code, 0);
});

/** `ssh -o BatchMode=yes HOST CMD` run here: records, then `sh -c CMD`. */
const LOCAL_SSH = `#!/bin/sh
printf '%s\\0' "$@" > "$REC/ssh.$$.args"
shift 3
exec sh -c "$1"
`;

Deno.test("end to end on localhost names: --autoconf pbs and slurm start governors that run a graph", async () => {
  const command = `${Deno.execPath()} run -A ${CLI}`;
  for (
    const [system, env, expected] of [
      ["pbs", { PBS_NODEFILE: "nodes" }, [1, 2]],
      ["slurm", { SLURM_JOB_NODELIST: "localhost", SLURM_CPUS_ON_NODE: "2" }, [2]],
    ] as const
  ) {
    await using s = await standIns({
      ssh: LOCAL_SSH,
      // `srun --opt ... sh -c SCRIPT` run here.
      srun: `#!/bin/sh\nwhile [ "\${1#--}" != "$1" ]; do shift; done\nexec "$@"\n`,
    });
    await writeFile(join(s.dir, "nodes"), "localhost\nlocalhost\n127.0.0.1\n");
    const vars: Record<string, string> = { ...env };
    if (vars.PBS_NODEFILE) vars.PBS_NODEFILE = join(s.dir, "nodes");
    await using rain = startCli(
      ["start", "--autoconf", system, "--listen", "127.0.0.1:0", "--governor-command", command],
      { env: { PATH: s.path, REC: s.dir, ...vars } },
    );
    const [, server] = await rain.waitFor(/Rain server listening on (\S+)/);
    const client = await Client.connect(server!);
    try {
      await until(
        async () => (await client.serverInfo()).governors.length === expected.length,
        `${system}: governors to join\n${rain.stderr.join("\n")}`,
        30_000,
      );
      const governors = (await client.serverInfo()).governors;
      assert.deepEqual(governors.map((g) => g.cpus).sort(), [...expected]);
      for (const g of governors) assert.match(g.id, /^(localhost|127\.0\.0\.1):\d+$/);
      await using session = client.newSession();
      const parts = [1, 2].map((i) => tasks.execute(["echo", `part ${i}`], { stdout: true }));
      const joined = tasks.concat(parts);
      joined.output.keep();
      await session.submit();
      assert.equal((await joined.output.fetch()).text(), "part 1\npart 2\n");
    } finally {
      await client.close();
    }
    rain.child.kill("SIGINT");
    assert.equal((await rain.exited(15_000)).code, 0, `${system}\n${rain.stderr.join("\n")}`);
  }
});

Deno.test("the launcher hands the token over stdin, never in arguments, and its end stops the governor", async () => {
  await using s = await standIns({
    ssh: LOCAL_SSH,
    // A stand-in `rain` on the remote PATH: records its arguments and stdin, runs until SIGTERM.
    rain: `#!/bin/sh
printf '%s\\0' "$@" > "$REC/rain.args"
IFS= read -r token; printf '%s' "$token" > "$REC/rain.token"
trap 'echo stopped > "$REC/rain.stopped"; exit 0' TERM
echo "Governor stand-in joined"
while :; do sleep 0.1; done
`,
  });
  const path = Deno.env.get("PATH")!;
  const lines: string[] = [];
  Deno.env.set("PATH", s.path);
  Deno.env.set("REC", s.dir);
  try {
    const governors = startRemoteGovernors([{ host: "user@localhost" }], {
      via: "ssh",
      server: "node01:7210",
      cpus: 3,
      workDir: "/scratch/rain",
      token: "s3cret-token",
      log: (m) => lines.push(m),
    });
    await until(
      () => lines.includes("[user@localhost] Governor stand-in joined"),
      "joined",
      10_000,
    );
    const args = (await readFile(join(s.dir, "rain.args"), "utf8")).split("\0").slice(0, -1);
    assert.deepEqual(args, [
      "governor",
      "node01:7210",
      "--advertise",
      "localhost",
      "--cpus",
      "3",
      "--work-dir",
      "/scratch/rain",
      "--token-file",
      "-",
    ]);
    assert.equal(await readFile(join(s.dir, "rain.token"), "utf8"), "s3cret-token");
    const [ssh] = await s.calls("ssh");
    assert.ok(!ssh!.join(" ").includes("s3cret"), "the token is on no command line");
    const stopAt = Date.now();
    await governors.close();
    assert.ok(Date.now() - stopAt < 4000, "stopped by the end of stdin, not killed late");
    assert.equal(await readFile(join(s.dir, "rain.stopped"), "utf8"), "stopped\n");
  } finally {
    Deno.env.set("PATH", path);
    Deno.env.delete("REC");
  }
});

Deno.test("a host without a rain command gets a clear error", async () => {
  await using s = await standIns({});
  const out = await new Deno.Command("sh", {
    args: ["-c", governorScript({ server: "n1:7210", token: false })],
    cwd: s.dir,
    env: { PATH: "/usr/bin:/bin" },
    stdin: "null",
  }).output();
  assert.equal(out.code, 127);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /rain: no rain command on \S+: install the rain npm package there .* or give --governor-command/,
  );
});
