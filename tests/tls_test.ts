/**
 * TLS with a throwaway CA made by `openssl`: a pipeline runs over `wss://`
 * and `https://` (client ↔ server, governor ↔ server, client → governor and
 * governor → governor data); a plain connection to a TLS server, a wrong CA
 * and a governor without a certificate are refused. Servers and governors
 * run in this process, so the Node and Bun runs test those runtimes' TLS.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, Input, tasks } from "../mod.ts";
import { type Governor, startGovernor } from "../governor/mod.ts";
import { type RainServer, startServer } from "../server/mod.ts";
import { CLUSTER_RUNTIME } from "./_cluster.ts";
import { makeTestCa, type TestCa, tlsUnavailable } from "./_tls.ts";

const skip = await tlsUnavailable();
if (skip) console.log(`TLS tests skipped: ${skip}`);

/** A TLS server with two TLS governors (2 cpus and 1 cpu). */
async function tlsCluster(ca: TestCa): Promise<
  { server: RainServer; governors: Governor[] } & AsyncDisposable
> {
  const server = await startServer({ port: 0, tls: { cert: ca.cert, key: ca.key } });
  const governors: Governor[] = [];
  const close = async () => {
    for (const g of governors) await g.close();
    await server.close();
  };
  try {
    for (const cpus of [2, 1]) {
      governors.push(
        await startGovernor({
          server: `wss://127.0.0.1:${server.port}`,
          token: server.token!,
          cpus,
          tls: ca,
        }),
      );
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { server, governors, [Symbol.asyncDispose]: close };
}

Deno.test({
  name: `a pipeline runs over wss:// and https:// (${CLUSTER_RUNTIME})`,
  ignore: skip !== null,
  async fn() {
    await using ca = await makeTestCa();
    await using cluster = await tlsCluster(ca);
    const { server, governors } = cluster;
    assert.equal(server.tls, true);
    const client = await Client.connect("127.0.0.1", server.port, {
      token: server.token!,
      tls: { ca: ca.ca },
    });
    try {
      await using session = client.newSession({ name: "tls" });
      // 300 KB: above the inline limits, so it moves over the governors' HTTPS.
      const big = tasks.execute("head -c 300000 /dev/zero | tr '\\0' x > big", {
        shell: true,
        outputPaths: ["big"],
        cpus: 2,
      });
      const readers = Array.from(
        { length: 6 },
        (_, i) =>
          tasks.execute(`sleep 0.2; wc -c < big; echo ${i}`, {
            shell: true,
            inputPaths: [new Input("big", { path: "big", dataobj: big.output })],
            stdout: true,
          }),
      );
      big.output.keep();
      for (const r of readers) r.output.keep();
      const small = tasks.concat([blob("over "), blob("TLS")]);
      small.output.keep();
      await session.submit();
      assert.equal((await small.output.fetch()).text(), "over TLS");
      const data = await big.output.fetch(); // from its governor, over HTTPS
      assert.equal(data.bytes().length, 300000);
      assert.equal(data.text(), "x".repeat(300000));
      for (const [i, r] of readers.entries()) {
        assert.equal((await r.output.fetch()).text().replace(/\s+/g, " ").trim(), `300000 ${i}`);
      }
      await session.wait([big, ...readers]);
      assert.equal(big.info!.governor, governors[0]!.id, "only the 2-cpu governor fits it");
      assert.ok(
        readers.some((r) => r.info!.governor === governors[1]!.id),
        "some reader ran on the other governor, which fetched the input over HTTPS",
      );
    } finally {
      await client.close();
    }
  },
});

Deno.test({
  name:
    `plain connections to a TLS server, a wrong CA and a governor without a certificate are refused (${CLUSTER_RUNTIME})`,
  ignore: skip !== null,
  async fn() {
    await using ca = await makeTestCa();
    const server = await startServer({ port: 0, tls: { cert: ca.cert, key: ca.key } });
    try {
      const token = server.token!;
      const address = `127.0.0.1:${server.port}`;
      await assert.rejects(Client.connect(address, { token }), /Cannot connect to Rain server/);
      await assert.rejects(fetch(`http://${address}/api/info`));
      await assert.rejects(
        Client.connect(`wss://${address}`, { token, tls: { ca: ca.otherCa } }),
        /Cannot connect to Rain server at 127\.0\.0\.1:\d+: .*certificate/,
      );
      await assert.rejects(
        startGovernor({ server: `wss://${address}`, token, tls: { ...ca, ca: ca.otherCa } }),
        /certificate/,
      );
      await assert.rejects(
        startGovernor({ server: `wss://${address}`, token, tls: { ca: ca.ca } }),
        /A governor of a TLS server serves its object data over HTTPS too/,
      );
      await assert.rejects(
        startGovernor({ server: `ws://${address}`, token, tls: ca }),
        /TLS options are given but the server address "ws:\/\/.*" is plain/,
      );
      // With the right CA: in, and the server's routes answer over HTTPS.
      const client = await Client.connect(`wss://${address}`, { token, tls: { ca: ca.ca } });
      assert.deepEqual((await client.serverInfo()).governors, []);
      await client.close();
    } finally {
      await server.close();
    }
  },
});
