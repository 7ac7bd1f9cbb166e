/**
 * The address a governor registers: reachable from other machines when the
 * server is reached over a network (never loopback or a wildcard), as
 * `--advertise` says when given, and refused by the server when unusable.
 * The network cases use this machine's first non-loopback IPv4 address and
 * are skipped (with the reason) where it has none; `netns_test.ts` checks
 * the same across network namespaces.
 *
 * @module
 */
import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { runCli, startCli } from "./_cli.ts";
import { checkConcat } from "./_util.ts";

const REGISTER_AS = new URL("./fixtures/register_as.ts", import.meta.url).pathname;

const lan = Object.values(networkInterfaces()).flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
const noLan = lan === undefined ? "no non-loopback IPv4 address on this machine" : null;

/** The server's first answer to a stand-in governor (with the secret) registering as `address`. */
async function registerAs(
  server: string,
  token: string,
  address: string,
): Promise<Record<string, string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", REGISTER_AS, server, address],
    env: { RAIN_TOKEN: token },
    stderr: "inherit",
  }).output();
  assert.ok(out.success, "the stand-in governor ran");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/**
 * A test with a server on this machine's network address (skipped where
 * there is none) and a client of this user, which its token file lets in
 * (as it does the governors the test starts); `fn` gets the server's
 * address, the client and the server's secret.
 */
function lanTest(
  name: string,
  fn: (at: string, client: Client, token: string) => Promise<void>,
): void {
  Deno.test({
    name: `${name}${noLan ? ` (ignored: ${noLan})` : ""}`,
    ignore: noLan !== null,
    async fn() {
      const server = await startServer({ hostname: lan, port: 0, tokenFile: true });
      const client = await Client.connect(`${lan}:${server.port}`);
      try {
        await fn(`${lan}:${server.port}`, client, server.token!);
      } finally {
        await client.close();
        await server.close();
      }
    },
  });
}

Deno.test("the server refuses a wildcard address or one without a port, saying why", async () => {
  const server = await startServer({ port: 0 });
  const registerAt = (at: string, address: string) => registerAs(at, server.token!, address);
  try {
    const at = `127.0.0.1:${server.port}`;
    const wildcard = await registerAt(at, "0.0.0.0:5000");
    assert.equal(wildcard.type, "refused");
    assert.match(wildcard.message!, /Cannot use governor address "0\.0\.0\.0:5000": a wildcard/);
    assert.match(wildcard.message!, /--advertise HOST\[:PORT\]/);
    const v6 = await registerAt(at, "[::]:5000");
    assert.match(v6.message!, /"\[::\]:5000": a wildcard/);
    const noPort = await registerAt(at, "node1:0");
    assert.match(noPort.message!, /"node1:0": no port/);
    const loopback = await registerAt(at, "127.0.0.1:5000");
    assert.equal(loopback.type, "registered", "loopback is fine when the governor is local");
  } finally {
    await server.close();
  }
});

lanTest(
  "a governor reaching the server over a network registers that interface",
  async (at, client) => {
    // Default: binds and registers the interface towards the server.
    await using a = startCli(["governor", at, "--cpus", "1"]);
    const [, idA] = await a.waitFor(/Governor (\S+) with 1 cpus joined/);
    assert.match(idA!, new RegExp(`^${lan!.replaceAll(".", "\\.")}:\\d+$`));
    // Every interface: still registers the one towards the server, not 0.0.0.0.
    await using b = startCli(["governor", at, "--cpus", "1", "--listen", "0.0.0.0"]);
    const [, idB] = await b.waitFor(/Governor (\S+) with 1 cpus joined/);
    assert.match(idB!, new RegExp(`^${lan!.replaceAll(".", "\\.")}:\\d+$`));
    const ids = (await client.serverInfo()).governors.map((g) => g.id).sort();
    assert.deepEqual(ids, [idA, idB].sort());
    for (const id of ids) {
      assert.doesNotMatch(id, /^(127\.|0\.0\.0\.0|\[::)/, `registered ${id}`);
    }
    // Both serve object data at the registered address.
    await using session = client.newSession();
    const outs = [1, 2].map((i) => {
      const t = tasks.execute(["sh", "-c", `sleep 0.3; echo governor-${i}`], { stdout: true });
      t.output.keep();
      return t;
    });
    await session.submit();
    for (const [i, t] of outs.entries()) {
      assert.equal((await t.output.fetch()).text(), `governor-${i + 1}\n`);
    }
    await session.wait(outs);
    assert.deepEqual(outs.map((t) => t.info!.governor).sort(), ids, "one task on each");
  },
);

lanTest(
  "--advertise is registered as given; a loopback address is refused",
  async (at, client, token) => {
    const probe = Deno.listen({ hostname: lan!, port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    await using g = startCli(["governor", at, "--cpus", "1", "--advertise", `${lan}:${port}`]);
    await g.waitFor(new RegExp(`Governor ${lan}:${port} with 1 cpus joined`));
    await using session = client.newSession();
    await checkConcat(session, "advertised ", "data");

    const own = await runCli(["governor", at, "--advertise", "127.0.0.1:5000"]);
    assert.equal(own.code, 1);
    assert.match(
      own.stderr,
      new RegExp(
        `Cannot register the governor as "127\\.0\\.0\\.1:5000": a loopback address, but the ` +
          `governor reaches the server from ${lan!.replaceAll(".", "\\.")}`,
      ),
    );
    assert.doesNotMatch(own.stderr, /^\s+at /m, "no stack trace");
    const wildcard = await runCli(["governor", at, "--advertise", "0.0.0.0"]);
    assert.equal(wildcard.code, 2);
    assert.match(wildcard.stderr, /--advertise: "0\.0\.0\.0" is a wildcard address/);
    // The server checks too, for governors that do not.
    const refused = await registerAs(at, token, "127.0.0.1:5000");
    assert.equal(refused.type, "refused");
    assert.match(
      refused.message!,
      /Cannot use governor address "127\.0\.0\.1:5000": a loopback address, but the governor reaches the server from /,
    );
  },
);

Deno.test({
  name: `rain start listening on every interface registers its governors at a non-loopback address${
    noLan ? ` (ignored: ${noLan})` : ""
  }`,
  ignore: noLan !== null,
  async fn() {
    await using rain = startCli(["start", "--simple", "--listen", "0.0.0.0:0", "--cpus", "1"]);
    const [, id] = await rain.waitFor(/Governor (\S+) with 1 cpus joined/);
    assert.doesNotMatch(id!, /^(127\.|0\.0\.0\.0|\[::|localhost)/, `registered ${id}`);
    rain.child.kill("SIGTERM");
    assert.equal((await rain.exited(10_000)).code, 0);
  },
});
