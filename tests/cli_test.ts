/**
 * The `rain` command line as a user runs it: help, version, option checks
 * before anything starts, clear errors, clean exits on signals.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blob, Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { CLI, runCli, startCli } from "./_cli.ts";

/** A port nothing listens on (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

Deno.test("rain --version prints the package's version", async () => {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

Deno.test("rain --help lists the commands; COMMAND --help lists that command's options", async () => {
  const all = await runCli(["--help"]);
  assert.equal(all.code, 0);
  for (const c of ["start", "server", "governor"]) {
    assert.match(all.stdout, new RegExp(`^  ${c} `, "m"));
  }
  const gov = await runCli(["governor", "--help"]);
  assert.equal(gov.code, 0);
  assert.match(gov.stdout, /^Usage: rain governor SERVER/);
  assert.match(gov.stdout, /--work-dir DIR/);
  assert.doesNotMatch(gov.stdout, /--governor-host-file/, "start's options are not governor's");
  const start = await runCli(["start", "--help", "--simple"]);
  assert.equal(start.code, 0, "--help wins over other options and starts nothing");
  assert.match(start.stdout, /--governor-host-file FILE/);
  assert.doesNotMatch(start.stdout, /listening/);
});

Deno.test("docs/cli.md shows each command's --help as the command prints it", async () => {
  const doc = await readFile(new URL("../docs/cli.md", import.meta.url), "utf8");
  for (const name of ["start", "server", "governor"]) {
    const section = doc.split(`## \`rain ${name}\``)[1]!;
    const shown = /```text\n([\s\S]*?)```/.exec(section)![1]!;
    const r = await runCli([name, "--help"]);
    assert.equal(shown.trimEnd(), r.stdout.trimEnd(), `rain ${name} --help`);
  }
});

Deno.test("an invalid option value is rejected before the server listens", async () => {
  const port = freePort();
  for (
    const [args, error] of [
      [["--cpus", "0"], /--cpus must be a positive integer, got "0"/],
      [["--cpus", "1.5"], /--cpus must be a positive integer, got "1.5"/],
      [["--executor-memory=-3"], /--executor-memory must be a positive integer, got "-3"/],
      [["--executor-memory", "-3"], /--executor-memory needs a value \(write --executor-memory=-X/],
      [["--governors", "x"], /--governors must be a non-negative integer, got "x"/],
      [["--listen", "127.0.0.1:70000"], /--listen: Invalid address "127.0.0.1:70000"/],
    ] as const
  ) {
    const r = await runCli(["start", "--simple", "--listen", `127.0.0.1:${port}`, ...args]);
    assert.equal(r.code, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, error);
    assert.match(r.stderr, /^rain start: /);
    assert.equal(r.stdout, "", "nothing started, nothing printed");
  }
});

Deno.test("unknown options and extra arguments are rejected", async () => {
  for (
    const [args, error] of [
      [["server", "extra"], /rain server: unexpected argument "extra"/],
      [["governor", "h:1", "h:2"], /rain governor: unexpected argument "h:2"/],
      [["governor"], /rain governor: missing SERVER/],
      [["server", "--cpus", "2"], /rain server: unknown option "--cpus"/],
      [["start", "--simple", "--no-such"], /rain start: unknown option "--no-such"/],
      [["start", "--simple=yes"], /rain start: --simple takes no value/],
      [["start", "--simple", "--cpus"], /rain start: --cpus needs a value/],
      [
        ["start"],
        /rain start: needs --simple, --governors N, --governor-host-file FILE or --autoconf/,
      ],
      [["start", "--autoconf", "lsf"], /rain start: --autoconf must be pbs or slurm, got "lsf"/],
      [["start", "--simple", "--governor-command", "x"], /--governor-command needs/],
      [["frobnicate"], /Unknown command "frobnicate"/],
    ] as const
  ) {
    const r = await runCli([...args]);
    assert.equal(r.code, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, error);
    assert.equal(r.stdout, "");
  }
});

Deno.test("an address already in use is named in the error", async () => {
  const server = await startServer({ port: 0 });
  try {
    const address = `127.0.0.1:${server.port}`;
    const s = await runCli(["server", "--listen", address]);
    assert.equal(s.code, 1);
    assert.match(s.stderr, new RegExp(`Cannot listen on "${address}": address already in use`));
    const g = await runCli(["governor", address, "--listen", address]);
    assert.equal(g.code, 1);
    assert.match(g.stderr, new RegExp(`Cannot listen on "${address}": address already in use`));
  } finally {
    await server.close();
  }
});

Deno.test("rain server and rain governor exit 0 on SIGTERM", async () => {
  await using server = startCli(["server", "--listen", "127.0.0.1:0"]);
  const [, address] = await server.waitFor(/Rain server listening on (\S+:\d+)/);
  await using governor = startCli(["governor", address!, "--cpus", "1"]);
  await governor.waitFor(/Governor \S+ with 1 cpus joined/);
  governor.child.kill("SIGTERM");
  assert.equal((await governor.exited(10_000)).code, 0, governor.stderr.join("\n"));
  server.child.kill("SIGTERM");
  assert.equal((await server.exited(10_000)).code, 0, server.stderr.join("\n"));
});

Deno.test("rain start --simple serves a client, honours --work-dir and exits 0 on SIGINT", async () => {
  // The deno binary running this test (what `npx deno` runs) is spawned directly: `npx` is
  // `npm exec` -> `sh -c deno` -> deno, and npm exec does not forward SIGINT to its child
  // (a terminal's Ctrl-C reaches the whole process group).
  const workDir = join(await mkdtemp(join(tmpdir(), "rain-cli-")), "work");
  try {
    await using rain = startCli([
      "start",
      "--simple",
      "--listen",
      "127.0.0.1:0",
      "--cpus",
      "2",
      "--work-dir",
      workDir,
    ]);
    const [, address] = await rain.waitFor(/Rain server listening on (\S+:\d+)/);
    assert.notEqual(address, "127.0.0.1:0", "the real port is printed");
    const [, dir] = await rain.waitFor(/Governor .* with 2 cpus joined \(work dir (.*)\)/);
    assert.equal(dir, workDir);
    const client = await Client.connect(address!);
    try {
      assert.deepEqual((await client.serverInfo()).governors.map((g) => g.cpus), [2]);
      await using session = client.newSession();
      const t = tasks.concat([blob("Hello "), blob("CLI!")]);
      const pwd = tasks.execute("pwd", { stdout: true });
      t.output.keep();
      pwd.output.keep();
      await session.submit();
      assert.equal((await t.output.fetch()).text(), "Hello CLI!");
      const cwd = (await pwd.output.fetch()).text().trim();
      assert.ok(cwd.startsWith(`${workDir}/`), `task ran in ${cwd}, not under ${workDir}`);
    } finally {
      await client.close();
    }
    rain.child.kill("SIGINT");
    assert.equal((await rain.exited(10_000)).code, 0);
    assert.ok((await stat(workDir)).isDirectory(), "a given work dir is kept");
  } finally {
    await rm(join(workDir, ".."), { recursive: true, force: true });
  }
});

Deno.test("rain start --governors 2 --governor-host-file starts local and ssh governors", async () => {
  // An `ssh` stand-in on PATH runs the remote command locally: `ssh -o X HOST CMD` -> `sh -c CMD`.
  const dir = await mkdtemp(join(tmpdir(), "rain-cli-"));
  try {
    await Deno.writeTextFile(`${dir}/ssh`, `#!/bin/sh\nshift 3\nexec sh -c "$1"\n`);
    await Deno.chmod(`${dir}/ssh`, 0o755);
    await Deno.writeTextFile(`${dir}/hosts`, "# one governor over ssh\nlocalhost\n");
    await using rain = startCli(
      [
        "start",
        "--governors",
        "2",
        "--governor-host-file",
        `${dir}/hosts`,
        "--governor-command",
        `${Deno.execPath()} run -A ${CLI}`,
        "--listen",
        "127.0.0.1:0",
        "--cpus",
        "1",
      ],
      { env: { PATH: `${dir}:${Deno.env.get("PATH")}` } },
    );
    const [, address] = await rain.waitFor(/Rain server listening on (\S+:\d+)/);
    await rain.waitFor(/\[localhost\] Governor localhost:\d+ with 1 cpus joined/, 30_000, "stderr");
    const client = await Client.connect(address!);
    try {
      const ids = (await client.serverInfo()).governors.map((g) => g.id);
      assert.equal(ids.length, 3);
      assert.ok(ids.some((id) => /^localhost:\d+$/.test(id)), `${ids}`);
    } finally {
      await client.close();
    }
    rain.child.kill("SIGINT");
    assert.equal((await rain.exited(10_000)).code, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
