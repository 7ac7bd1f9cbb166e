/**
 * The security options of the command line: `rain server` writes its token
 * file and `rain governor` finds it; `--token-file` (also `-` for stdin) and
 * `RAIN_TOKEN`; `--no-auth` says what it means, loudest off loopback; TLS
 * with `--tls-cert`/`--tls-key`/`--tls-ca` and a `wss://` SERVER; wrong
 * combinations are usage errors before anything starts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "../mod.ts";
import { newToken } from "../common/auth.ts";
import { runCli, simpleStart, startCli } from "./_cli.ts";
import { makeTestCa, tlsUnavailable } from "./_tls.ts";
import { checkConcat, tempDir } from "./_util.ts";

const LISTENING = /^Rain server listening on (\S+:\d+) /;

/** Runs a concat through `client` and checks the result. */
async function concat(client: Client): Promise<void> {
  await using session = client.newSession();
  await checkConcat(session, "via ", "cli");
}

Deno.test("rain server writes a 0600 token file that rain governor and clients find; SIGTERM removes it", async () => {
  await using server = startCli(["server", "--listen", "127.0.0.1:0"]);
  const address = (await server.waitFor(LISTENING))[1]!;
  const file = (await server.waitFor(/^Token file \(.*\): (\S+)$/))[1]!;
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  await using governor = startCli(["governor", address, "--cpus", "1"]);
  await governor.waitFor(/^Governor \S+ with 1 cpus joined/);
  const client = await Client.connect(address);
  try {
    await concat(client);
  } finally {
    await client.close();
  }
  await assert.rejects(
    Client.connect(address, { token: newToken() }),
    /Unauthorized: wrong token/,
  );
  governor.child.kill("SIGTERM");
  assert.equal((await governor.exited()).code, 0);
  server.child.kill("SIGTERM");
  assert.equal((await server.exited()).code, 0);
  await assert.rejects(stat(file), { code: "ENOENT" });
});

Deno.test("--token-file FILE, --token-file - (stdin) and RAIN_TOKEN set the secret", async () => {
  await using tmp = await tempDir();
  const token = newToken();
  const file = join(tmp.path, "token");
  await writeFile(file, `${token}\nignored second line\n`, { mode: 0o600 });
  for (
    const [args, options] of [
      [["--token-file", file], {}],
      [["--token-file", "-"], { stdin: `${token}\n` }],
      [[], { env: { RAIN_TOKEN: token } }],
    ] as const
  ) {
    await using server = startCli(["server", "--listen", "127.0.0.1:0", ...args], options);
    const address = (await server.waitFor(LISTENING))[1]!;
    // A governor given the secret on stdin, as launchers do, with no token file to find. No
    // executors: killed with the governor at the end, they would outlive it for a moment and
    // write Deno's cache under HOME (this temporary directory) while it is being removed.
    await using governor = startCli(
      ["governor", address, "--cpus", "1", "--token-file", "-", "--executors", "0"],
      { stdin: `${token}\n`, env: { HOME: tmp.path, XDG_RUNTIME_DIR: "" } },
    );
    await governor.waitFor(/^Governor \S+ with 1 cpus joined/);
    const client = await Client.connect(address, { token });
    try {
      await concat(client);
    } finally {
      await client.close();
    }
  }
});

Deno.test("--no-auth lets anyone in and warns; loudest on a non-loopback address", async () => {
  {
    await using server = startCli(["server", "--listen", "127.0.0.1:0", "--no-auth"]);
    const address = (await server.waitFor(LISTENING))[1]!;
    const warning = server.stderr.join("\n");
    assert.match(warning, /WARNING: --no-auth: every user of this machine can connect/);
    assert.ok(!server.stdout.some((l) => /^Token file/.test(l)), "no token file without a secret");
    const res = await fetch(`http://${address}/api/info`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  await using wide = startCli(["server", "--listen", "0.0.0.0:0", "--no-auth"]);
  await wide.waitFor(LISTENING);
  const warning = wide.stderr.join("\n");
  assert.match(
    warning,
    /WARNING: --no-auth on 0\.0\.0\.0:\d+, which is not loopback: ANYONE WHO CAN/,
  );
  assert.match(warning, /run any program as \S+ on every governor/);
});

Deno.test("contradicting or unreadable security options are usage errors (exit 2)", async () => {
  await using tmp = await tempDir();
  const short = join(tmp.path, "short");
  await writeFile(short, "tooshort\n");
  const good = join(tmp.path, "good");
  await writeFile(good, `${newToken()}\n`);
  for (
    const [args, message] of [
      [["server", "--no-auth", "--token-file", good], /--no-auth and --token-file contradict/],
      [["server", "--token-file", short], /--token-file: Invalid token from ".*": 8 characters/],
      [["server", "--token-file", join(tmp.path, "none")], /--token-file: Cannot read/],
      [["server", "--tls-cert", short], /--tls-cert: ".*" is not a PEM file/],
      [["governor", "127.0.0.1:1", "--tls-ca", join(tmp.path, "none")], /--tls-ca: Cannot read/],
    ] as const
  ) {
    const r = await runCli([...args]);
    assert.equal(r.code, 2, `${args.join(" ")}\n${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

Deno.test({
  name:
    "rain server and rain governor with --tls-cert/--tls-key/--tls-ca run a pipeline over wss://",
  ignore: (await tlsUnavailable()) !== null,
  async fn() {
    await using ca = await makeTestCa();
    const tls = ["--tls-cert", join(ca.dir, "server.pem"), "--tls-key", join(ca.dir, "server.key")];
    {
      const r = await runCli(["server", "--tls-cert", join(ca.dir, "server.pem")]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--tls-cert and --tls-key go together/);
    }
    await using server = startCli(["server", "--listen", "127.0.0.1:0", ...tls]);
    const line = await server.waitFor(
      /^Rain server listening on (\S+:\d+) with TLS \(status: rain status https:\/\/\1\)/,
    );
    const address = line[1]!;
    await using governor = startCli([
      "governor",
      `wss://${address}`,
      "--cpus",
      "1",
      ...tls,
      "--tls-ca",
      join(ca.dir, "ca.pem"),
    ]);
    await governor.waitFor(/^Governor \S+ with 1 cpus joined wss:\/\//);
    const client = await Client.connect(`wss://${address}`, { tls: { ca: ca.ca } });
    try {
      await concat(client);
    } finally {
      await client.close();
    }
    await assert.rejects(Client.connect(address), /Cannot connect to Rain server/);
    // rain start: its local governor uses the same certificate and trusts --tls-ca.
    await using start = startCli([
      ...simpleStart(1),
      ...tls,
      "--tls-ca",
      join(ca.dir, "ca.pem"),
    ]);
    const started = (await start.waitFor(/^Rain server listening on (\S+:\d+) with TLS/))[1]!;
    await start.waitFor(/^Governor \S+ with 1 cpus joined/);
    const local = await Client.connect(`wss://${started}`, { tls: { ca: ca.ca } });
    try {
      await concat(local);
    } finally {
      await local.close();
    }
  },
});
