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
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { startCli } from "./_cli.ts";
import { ROOT } from "./_runtime_process.ts";
import { until } from "./_util.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const tag = (Deno.pid % 90000) + 10000;
const bridge = `rab${tag}`;
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

async function ip(...args: string[]): Promise<void> {
  const r = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
  if (!r.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(r.stderr).trim()}`);
  }
}

async function netnsUsable(): Promise<string | null> {
  if (Deno.uid?.() !== 0) return "needs root";
  try {
    await ip("netns", "add", `rain-auth-probe-${tag}`);
    await ip("netns", "del", `rain-auth-probe-${tag}`);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

async function teardown(): Promise<void> {
  for (const h of [governorNs, strangerNs]) await ip("netns", "del", h.ns).catch(() => {});
  await ip("link", "del", bridge).catch(() => {});
}

async function setup(): Promise<void> {
  await ip("link", "add", bridge, "type", "bridge");
  await ip("addr", "add", `${serverIp}/24`, "dev", bridge);
  await ip("link", "set", bridge, "up");
  for (const h of [governorNs, strangerNs]) {
    await ip("netns", "add", h.ns);
    await ip("link", "add", h.veth, "type", "veth", "peer", "name", h.peer);
    await ip("link", "set", h.veth, "master", bridge);
    await ip("link", "set", h.veth, "up");
    await ip("link", "set", h.peer, "netns", h.ns);
    await ip("-n", h.ns, "addr", "add", `${h.ip}/24`, "dev", h.peer);
    await ip("-n", h.ns, "link", "set", h.peer, "up");
    await ip("-n", h.ns, "link", "set", "lo", "up");
  }
}

/** Runs the stranger fixture in its namespace, with no token file and the given RAIN_TOKEN. */
async function stranger(
  server: string,
  governor: string,
  objectPath: string,
  rainToken: string,
): Promise<Record<string, unknown>> {
  const home = await mkdtemp(`${tmpdir()}/rain-stranger-`);
  try {
    const child = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        strangerNs.ns,
        Deno.execPath(),
        "run",
        "-A",
        `${ROOT}tests/fixtures/stranger.mjs`,
        pathToFileURL(`${ROOT}mod.ts`).href,
        pathToFileURL(`${ROOT}governor/mod.ts`).href,
        server,
        governor,
        objectPath,
      ],
      cwd: ROOT,
      env: { HOME: home, XDG_RUNTIME_DIR: "", RAIN_TOKEN: rainToken },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const [out, err] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    assert.equal((await child.status).code, 0, `stranger failed:\n${out}\n${err}`);
    return JSON.parse(out.trim().split("\n").at(-1)!);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const skip = await netnsUsable();
if (skip) console.log(`Network-namespace auth test skipped: ${skip}`);

Deno.test({
  name: "on a non-loopback address a stranger in another namespace is refused everywhere",
  ignore: skip !== null,
  async fn() {
    await teardown();
    await setup();
    try {
      await strangerRefused();
    } finally {
      await teardown();
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
      assert.match(String((r.client as { error?: string }).error), /Unauthorized: no token/);
      assert.match(String((r.governor as { error?: string }).error), /Unauthorized: no token/);
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
