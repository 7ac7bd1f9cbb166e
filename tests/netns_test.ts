/**
 * Governors on separate network stacks: two network namespaces joined to
 * the host by a bridge on private test addresses this test creates (and
 * removes), so governor-to-governor transfers cross a real network path.
 * Needs root and iproute2; skipped (with the reason) where they are missing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Client, Input, type Task, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { until } from "./_util.ts";
import { netnsUnusable, setUpNetwork, tearDownNetwork, type TestNetwork } from "./_netns.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const tag = Deno.pid % 100000;
const subnet = `10.250.${tag % 250}`;
const hosts = [
  { ns: `rain-${tag}-a`, veth: `rva${tag}`, peer: `rpa${tag}`, ip: `${subnet}.2` },
  { ns: `rain-${tag}-b`, veth: `rvb${tag}`, peer: `rpb${tag}`, ip: `${subnet}.3` },
];
const net: TestNetwork = { bridge: `rbr${tag}`, bridgeIp: `${subnet}.1`, hosts };

const skip = await netnsUnusable("netns_test");

Deno.test({
  name: "governors in separate network namespaces move data over a real network stack",
  ignore: skip !== null,
  async fn() {
    await tearDownNetwork(net);
    await setUpNetwork(net);
    // The governors (same user, same file system) find the token file.
    const server = await startServer({ hostname: `${subnet}.1`, port: 0, tokenFile: true });
    const address = `${subnet}.1:${server.port}`;
    const governors: Deno.ChildProcess[] = [];
    let client: Client | undefined;
    try {
      for (const [i, h] of hosts.entries()) {
        governors.push(
          new Deno.Command("ip", {
            args: [
              "netns",
              "exec",
              h.ns,
              Deno.execPath(),
              "run",
              "-A",
              CLI,
              "governor",
              address,
              "--listen",
              `${h.ip}:0`,
              "--cpus",
              `${3 - i}`,
            ],
            stdout: "null",
            stderr: "null",
          }).spawn(),
        );
      }
      client = await Client.connect(address, { token: server.token! });
      const c = client;
      await until(
        async () => (await c.serverInfo()).governors.length === 2,
        "both governors",
        20000,
      );
      const ids = (await c.serverInfo()).governors.map((g) => g.id).sort();
      assert.deepEqual(ids.map((id) => id.split(":")[0]), hosts.map((h) => h.ip));
      await using session = c.newSession();
      // big1 needs 3 cpus (host a), big2 lands on host b and is larger: the
      // reader of both runs on b and fetches big1 from a over the bridge.
      const make = (mb: number, cpus: number) =>
        tasks.execute(`head -c ${mb}000000 /dev/urandom > big`, {
          shell: true,
          outputPaths: ["big"],
          cpus,
        });
      const big1 = make(20, 3);
      const big2 = make(30, 2);
      const sum = (t: Task) => tasks.execute("sha256sum", { stdin: t, stdout: true });
      const sum1 = sum(big1);
      const both = tasks.execute(["sh", "-c", "sha256sum < a"], {
        inputPaths: [
          new Input("a", { path: "a", dataobj: big1 }),
          new Input("b", { path: "b", dataobj: big2 }),
        ],
        stdout: true,
      });
      sum1.keepOutputs();
      both.keepOutputs();
      await session.submit();
      const [s1, s2] = await Promise.all([sum1.output.fetch(), both.output.fetch()]);
      await session.wait([big1, big2, both]);
      assert.equal(big1.info!.governor.split(":")[0], hosts[0]!.ip);
      assert.equal(both.info!.governor.split(":")[0], hosts[1]!.ip);
      assert.match(s1.text(), /^[0-9a-f]{64} /);
      assert.equal(s2.text(), s1.text());
    } finally {
      await client?.close();
      for (const g of governors) {
        try {
          g.kill("SIGTERM");
        } catch {
          // Already gone.
        }
        await g.status;
      }
      await server.close();
      await tearDownNetwork(net);
    }
  },
});
