/**
 * Test networks of network namespaces: a bridge on the host and, per host,
 * a namespace joined to it by a veth pair, on private test addresses the
 * test creates and removes, so that processes in different namespaces talk
 * over a real network path. Needs root and iproute2 (`ip`); tests are
 * skipped, with the reason printed, where they are missing.
 *
 * @module
 */

/** One host of a test network: a namespace with an address on the bridge. */
export interface NetnsHost {
  /** The namespace's name. */
  ns: string;
  /** The host end of the veth pair (on the bridge). */
  veth: string;
  /** The namespace end of the veth pair. */
  peer: string;
  /** The host's address in the namespace (on the bridge's /24). */
  ip: string;
}

/** A bridge and the namespaces joined to it. */
export interface TestNetwork {
  /** The bridge's interface name. */
  bridge: string;
  /** The bridge's own address (the host's side), or none. */
  bridgeIp?: string;
  /** The namespaces. */
  hosts: NetnsHost[];
}

/** Runs `ip` with the arguments; throws with its message when it fails. */
async function ip(...args: string[]): Promise<void> {
  const r = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
  if (!r.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(r.stderr).trim()}`);
  }
}

/**
 * Why network namespaces cannot be made here (not root, no `ip`, no
 * permission), found by making one and removing it; prints the reason.
 *
 * @param test The test file's name, for the printed line and the probe
 *   namespace's name (unique, since `deno test --parallel` runs test files
 *   side by side in one process).
 * @returns The reason, or `null` when they can.
 */
export async function netnsUnusable(test: string): Promise<string | null> {
  const reason = await (async () => {
    if (Deno.uid?.() !== 0) return "needs root";
    const probe = `rain-probe-${test}-${Deno.pid}`;
    try {
      await ip("netns", "add", probe);
      await ip("netns", "del", probe);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  })();
  if (reason) console.log(`${test}: skipped: ${reason}`);
  return reason;
}

/**
 * Removes what {@linkcode setUpNetwork} made (whatever of it exists).
 *
 * @param net The network.
 */
export async function tearDownNetwork(net: TestNetwork): Promise<void> {
  for (const h of net.hosts) await ip("netns", "del", h.ns).catch(() => {});
  await ip("link", "del", net.bridge).catch(() => {});
}

/**
 * Makes the bridge (with its address, if any) and every host's namespace,
 * veth pair and address, all up.
 *
 * @param net The network.
 */
export async function setUpNetwork(net: TestNetwork): Promise<void> {
  await ip("link", "add", net.bridge, "type", "bridge");
  if (net.bridgeIp) await ip("addr", "add", `${net.bridgeIp}/24`, "dev", net.bridge);
  await ip("link", "set", net.bridge, "up");
  for (const h of net.hosts) {
    await ip("netns", "add", h.ns);
    await ip("link", "add", h.veth, "type", "veth", "peer", "name", h.peer);
    await ip("link", "set", h.veth, "master", net.bridge);
    await ip("link", "set", h.veth, "up");
    await ip("link", "set", h.peer, "netns", h.ns);
    await ip("-n", h.ns, "addr", "add", `${h.ip}/24`, "dev", h.peer);
    await ip("-n", h.ns, "link", "set", h.peer, "up");
    await ip("-n", h.ns, "link", "set", "lo", "up");
  }
}
