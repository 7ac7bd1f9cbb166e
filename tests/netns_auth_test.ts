/**
 * Authentication on a non-loopback address: a server on a bridge address
 * this test creates, a governor in one network namespace and a stranger (a
 * process without the token file) in another, each reaching the others over
 * a veth pair. The stranger is refused on every endpoint, also the
 * governor's data server, until it is given the token; `--no-auth` on that
 * address warns loudly. Needs root and iproute2; skipped (with the reason)
 * where they are missing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { startCli } from "./_cli.ts";
import { ROOT } from "./_runtime_process.ts";
import { until } from "./_util.ts";
import { runStranger, type StrangerResult } from "./_stranger.ts";
import { netnsUnusable, setUpNetwork, tearDownNetwork, type TestNetwork } from "./_netns.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const tag = (Deno.pid % 90000) + 10000;
const subnet = `10.251.${tag % 250}`;
const serverIp = `${subnet}.1`;
const governorNs = {
  ns: `rain-auth-${tag}-g`,
  veth: `rag${tag}`,
  peer: `rpg${tag}`,
  ip: `${subnet}.2`,
};
const strangerNs = {
  ns: `rain-auth-${tag}-s`,
  veth: `ras${tag}`,
  peer: `rps${tag}`,
  ip: `${subnet}.3`,
};
const net: TestNetwork = {
  bridge: `rab${tag}`,
  bridgeIp: serverIp,
  hosts: [governorNs, strangerNs],
};

/** Runs the stranger fixture in its namespace, with no token file and the given RAIN_TOKEN. */
function stranger(
  server: string,
  governor: string,
  objectPath: string,
  rainToken: string,
): Promise<StrangerResult> {
  return runStranger({
    command: ["ip", "netns", "exec", strangerNs.ns, Deno.execPath(), "run", "-A"],
    mod: `${ROOT}mod.ts`,
    governorMod: `${ROOT}governor/mod.ts`,
    server,
    governor,
    objectPath,
    rainToken,
  });
}

const skip = await netnsUnusable("netns_auth_test");

Deno.test({
  name: "on a non-loopback address a stranger in another namespace is refused everywhere",
  ignore: skip !== null,
  async fn() {
    await tearDownNetwork(net);
    await setUpNetwork(net);
    try {
      await strangerRefused();
    } finally {
      await tearDownNetwork(net);
    }
  },
});

async function strangerRefused(): Promise<void> {
  {
    const server = await startServer({ hostname: serverIp, port: 0, tokenFile: true });
    const address = `${serverIp}:${server.port}`;
    let governor: Deno.ChildProcess | undefined;
    const client = await Client.connect(address, { token: server.token! });
    try {
      // Same user, same file system: the governor finds the token file by the server's address.
      governor = new Deno.Command("ip", {
        args: [
          ...["netns", "exec", governorNs.ns, Deno.execPath(), "run", "-A", CLI, "governor"],
          ...[address, "--listen", `${governorNs.ip}:0`, "--cpus", "1"],
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      await until(async () => (await client.serverInfo()).governors.length === 1, "the governor");
      const [gov] = (await client.serverInfo()).governors;
      assert.equal(gov!.id.split(":")[0], governorNs.ip);
      await using session = client.newSession({ default: true });
      const kept = tasks.execute("head -c 50000 /dev/zero | tr '\\0' s", {
        shell: true,
        stdout: true,
      });
      kept.output.keep();
      await session.submit();
      assert.equal((await kept.output.fetch()).text(), "s".repeat(50000), "fetched over veth");
      const [s, n] = kept.output.spec.id;

      const r = await stranger(address, gov!.id, `/objects/${s}/${n}`, "");
      assert.match(String(r.client.error), /Unauthorized: no token/);
      assert.match(String(r.governor.error), /Unauthorized: no token/);
      assert.equal(r.info, 401);
      assert.equal(r.root, 401);
      assert.equal(r.object, 401, "the governor's data server refuses it too");
      const given = await stranger(address, gov!.id, `/objects/${s}/${n}`, server.token!);
      assert.deepEqual(given.client, { ok: "with RAIN_TOKEN" });
      assert.deepEqual((await client.serverInfo()).governors.map((g) => g.id), [gov!.id]);
    } finally {
      await client.close();
      try {
        governor?.kill("SIGTERM");
      } catch { /* gone */ }
      await governor?.status;
      await server.close();
    }
    // --no-auth on this address says loudly what it means.
    {
      await using open = startCli(["server", "--listen", `${serverIp}:0`, "--no-auth"]);
      await open.waitFor(/listening on/);
      assert.match(
        open.stderr.join("\n"),
        /WARNING: --no-auth on 10\.251\.\d+\.1:\d+, which is not loopback: ANYONE/,
      );
    }
  }
}
