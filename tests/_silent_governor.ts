/**
 * The silent-governor scenario the server must survive wherever it runs (in
 * Deno, or in workerd as the edge worker): a governor that stops without
 * closing its connection is found out by its missing heartbeats alone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tasks } from "../mod.ts";
import { type ServerHost, startProcessCluster } from "./_process_cluster.ts";
import { within } from "./_util.ts";

/**
 * Runs four steps on two one-cpu governor processes, freezes (SIGSTOP) the
 * governor that ran the first once it finished, and checks that the server
 * declares that governor lost and the work, the frozen governor's output
 * included, is redone on the other.
 *
 * @param host Where the server runs.
 */
export async function silentGovernorIsLost(host: ServerHost): Promise<void> {
  await using cluster = await startProcessCluster([1, 1], 1500, host);
  await using session = cluster.client.newSession();
  const steps = Array.from(
    { length: 4 },
    (_, i) => tasks.execute(["sh", "-c", `sleep 0.5; printf ${i}`], { stdout: true }),
  );
  const all = tasks.concat(steps);
  all.keepOutputs();
  await session.submit();
  await session.wait([steps[0]!]);
  // Stopped, not killed: its connection stays open, so only the missing
  // heartbeats can reveal it.
  const frozen = cluster.governors.find((g) => g.id === steps[0]!.info!.governor)!;
  Deno.kill(frozen.child.pid, "SIGSTOP");
  try {
    assert.equal((await within(all.output.fetch(), 20_000, "the result")).text(), "0123");
    const info = await cluster.client.serverInfo();
    assert.deepEqual(
      info.governors.map((g) => g.id),
      cluster.governors.filter((g) => g !== frozen).map((g) => g.id),
    );
    await steps[0]!.update();
    assert.notEqual(steps[0]!.info!.governor, frozen.id, "the lost output was recomputed");
  } finally {
    Deno.kill(frozen.child.pid, "SIGCONT");
  }
}
