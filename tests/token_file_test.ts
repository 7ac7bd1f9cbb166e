/**
 * The token file: a server started with `tokenFile` (as `rain server` and
 * `rain start` are) writes its secret to a file only its user can read,
 * named after its address; a client and a governor of the same user find
 * it with no argument; a file others can read is refused; stopping the
 * server removes it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chmod, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Client } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { startServer } from "../server/mod.ts";
import { findToken, tokenDir, tokenFilePath } from "../common/token_file.ts";
import { checkConcat } from "./_util.ts";

Deno.test("the token file is 0600 in a 0700 directory, found by same-user clients and governors, removed at close", async () => {
  const server = await startServer({ port: 0, tokenFile: true });
  const path = tokenFilePath("127.0.0.1", server.port);
  try {
    assert.equal(server.tokenFile, path);
    assert.equal(dirname(path), tokenDir());
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(dirname(path))).mode & 0o777, 0o700);
    assert.equal(Deno.readTextFileSync(path), `${server.token}\n`);
    // Every name of this machine's loopback finds it.
    for (const host of ["127.0.0.1", "localhost", "127.0.0.2"]) {
      assert.deepEqual(await findToken(host, server.port), { token: server.token, source: path });
    }
    assert.equal(await findToken("192.0.2.1", server.port), undefined, "never for another machine");
    const gov = await startGovernor({ server: `localhost:${server.port}`, cpus: 1 });
    const client = await Client.connect("localhost", server.port);
    try {
      await using session = client.newSession();
      await checkConcat(session, "found ", "it");
    } finally {
      await client.close();
      await gov.close();
    }
    await chmod(path, 0o644);
    await assert.rejects(
      Client.connect("localhost", server.port),
      /Token file ".*" can be read by other users \(mode 644\): run chmod 600 on it/,
    );
  } finally {
    await server.close();
  }
  await assert.rejects(stat(path), { code: "ENOENT" }, "close() removed the token file");
});
