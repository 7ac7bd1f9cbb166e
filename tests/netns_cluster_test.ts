/**
 * A cluster over three network namespaces on a bridge, started the way a
 * user starts one on three machines: `rain start --governor-host-file` in
 * the first namespace, with an `ssh` stand-in that runs each host's command
 * inside the namespace named by the host (its IP address); a client in the
 * first namespace runs a graph whose tasks need each other's outputs across
 * the governors. Needs root and iproute2; skipped (with the reason) where
 * they are missing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, startCli } from "./_cli.ts";
import { findToken } from "../common/token_file.ts";
import { netnsUnusable, setUpNetwork, tearDownNetwork, type TestNetwork } from "./_netns.ts";

const CLIENT = new URL("./fixtures/netns_client.ts", import.meta.url).pathname;
const REGISTER_AS = new URL("./fixtures/register_as.ts", import.meta.url).pathname;
const tag = Deno.pid % 100000;
const subnet = `10.251.${tag % 250}`;
/** Namespaces named by their address, so that a host name of the host file names both. */
const hosts = [2, 3, 4].map((n, i) => ({
  ns: `${subnet}.${n}`,
  veth: `rc${i}v${tag}`,
  peer: `rc${i}p${tag}`,
  ip: `${subnet}.${n}`,
}));
const net: TestNetwork = { bridge: `rbc${tag}`, hosts };

const skip = await netnsUnusable("netns_cluster_test");

Deno.test({
  name:
    `rain start --governor-host-file over three network namespaces runs a graph across governors${
      skip ? ` (ignored: ${skip})` : ""
    }`,
  ignore: skip !== null,
  async fn() {
    const [first, ...others] = hosts;
    const dir = await mkdtemp(join(tmpdir(), "rain-netns-"));
    await tearDownNetwork(net);
    await setUpNetwork(net);
    try {
      // `ssh -o BatchMode=yes HOST CMD` -> CMD inside the namespace named HOST.
      await writeFile(join(dir, "ssh"), `#!/bin/sh\nexec ip netns exec "$3" sh -c "$4"\n`, {
        mode: 0o755,
      });
      await writeFile(join(dir, "hosts"), others.map((h) => `${h.ns}\n`).join(""));
      await using rain = startCli(
        [
          "start",
          "--governor-host-file",
          join(dir, "hosts"),
          "--governor-command",
          `${Deno.execPath()} run -A ${CLI}`,
          "--listen",
          `${first!.ns}:0`,
          "--cpus",
          "2",
        ],
        {
          prefix: ["ip", "netns", "exec", first!.ns, Deno.execPath(), "run", "-A", CLI],
          env: { PATH: `${dir}:${Deno.env.get("PATH")}` },
        },
      );
      const [, server] = await rain.waitFor(/Rain server listening on (\S+)/);
      for (const h of others) {
        await rain.waitFor(
          new RegExp(`\\[${h.ns}\\] Governor ${h.ns}:\\d+ with 2 cpus`),
          30_000,
          "stderr",
        );
      }
      const out = await new Deno.Command("ip", {
        args: ["netns", "exec", first!.ns, Deno.execPath(), "run", "-A", CLIENT, server!],
        stderr: "inherit",
      }).output();
      assert.ok(out.success, "the client in the first namespace ran");
      const seen = JSON.parse(new TextDecoder().decode(out.stdout));
      const hostOf = (id: string) => id.replace(/:\d+$/, "");
      assert.deepEqual(seen.governors.map(hostOf).sort(), others.map((h) => h.ns));
      for (const id of seen.governors) {
        assert.doesNotMatch(id, /^(127\.|0\.0\.0\.0|\[?::|localhost)/, `registered ${id}`);
      }
      assert.notEqual(seen.producers[0], seen.producers[1], "producers on both governors");
      assert.notEqual(seen.consumers[0], seen.consumers[1], "consumers on both governors");
      assert.deepEqual(seen.sizes, [300000, 200000]);
      assert.match(seen.sums[0], /^[0-9a-f]{64}$/);
      assert.deepEqual(seen.sums, seen.expected, "the bytes crossed the network intact");
      // The server refuses a loopback address from a governor on another machine (one with
      // the secret, read from the token file `rain start` wrote, as its user's processes do).
      const [host, port] = server!.split(":");
      const { token } = (await findToken(host!, Number(port)))!;
      const refused = await new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          others[0]!.ns,
          Deno.execPath(),
          "run",
          "-A",
          REGISTER_AS,
          server!,
          "127.0.0.1:5000",
        ],
        env: { RAIN_TOKEN: token },
        stderr: "inherit",
      }).output();
      const answer = JSON.parse(new TextDecoder().decode(refused.stdout));
      assert.equal(answer.type, "refused");
      assert.match(
        answer.message,
        new RegExp(
          `"127\\.0\\.0\\.1:5000": a loopback address, but the governor reaches the server from ${
            others[0]!.ns.replaceAll(".", "\\.")
          }`,
        ),
      );
      rain.child.kill("SIGINT");
      assert.equal((await rain.exited(15_000)).code, 0);
    } finally {
      await tearDownNetwork(net);
      await rm(dir, { recursive: true, force: true });
    }
  },
});
