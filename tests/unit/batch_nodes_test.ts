/**
 * The nodes of a batch job: Slurm's compact host lists and cpu counts, and
 * PBS node files (a node once per cpu slot).
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandCpusPerNode, expandNodeList, slurmNodes } from "../../cli/launchers/slurm.ts";
import { pbsNodes } from "../../cli/launchers/pbs.ts";

Deno.test("expandNodeList expands Slurm host lists as Slurm writes them", () => {
  const cases: [string, string[]][] = [
    ["node[01-04,07],gpu2", ["node01", "node02", "node03", "node04", "node07", "gpu2"]],
    ["cn001", ["cn001"]],
    ["cn[098-101]", ["cn098", "cn099", "cn100", "cn101"]],
    ["n[8-11]", ["n8", "n9", "n10", "n11"]],
    ["r[1-2]n[1-2]", ["r1n1", "r1n2", "r2n1", "r2n2"]],
    ["x[1-2]-ib,login", ["x1-ib", "x2-ib", "login"]],
    ["a1.cluster.org,a2.cluster.org", ["a1.cluster.org", "a2.cluster.org"]],
    ["gpu-[1,3,5-6]", ["gpu-1", "gpu-3", "gpu-5", "gpu-6"]],
    ["nid[00012-00013]", ["nid00012", "nid00013"]],
  ];
  for (const [list, hosts] of cases) assert.deepEqual(expandNodeList(list), hosts, list);
  for (
    const [bad, why] of [
      ["n[3-1]", /range "3-1" goes down/],
      ["n[1-", /unbalanced brackets/],
      ["n]1", /unbalanced brackets/],
      ["a,,b", /empty name/],
      ["n[a]", /"a" is not a number or a range/],
      ["n[1-9999999]", /too large/],
    ] as const
  ) {
    assert.throws(() => expandNodeList(bad), why, bad);
  }
});

Deno.test("expandCpusPerNode reads SLURM_JOB_CPUS_PER_NODE", () => {
  assert.deepEqual(expandCpusPerNode("72(x2),36"), [72, 72, 36]);
  assert.deepEqual(expandCpusPerNode("4"), [4]);
  assert.throws(() => expandCpusPerNode("4(2)"), /Invalid \$SLURM_JOB_CPUS_PER_NODE "4\(2\)"/);
});

Deno.test("slurmNodes gives each node its cpus from the job's variables", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.deepEqual(
    slurmNodes(env({ SLURM_JOB_NODELIST: "n[1-2],g1", SLURM_JOB_CPUS_PER_NODE: "4(x2),8" })),
    [{ host: "n1", cpus: 4 }, { host: "n2", cpus: 4 }, { host: "g1", cpus: 8 }],
  );
  assert.deepEqual(
    slurmNodes(env({ SLURM_JOB_NODELIST: "n[1-2]", SLURM_CPUS_ON_NODE: "16" })),
    [{ host: "n1", cpus: 16 }, { host: "n2", cpus: 16 }],
  );
  assert.deepEqual(slurmNodes(env({ SLURM_NODELIST: "n1" })), [{ host: "n1", cpus: undefined }]);
  assert.throws(() => slurmNodes(env({})), /needs \$SLURM_JOB_NODELIST/);
  assert.throws(
    () => slurmNodes(env({ SLURM_JOB_NODELIST: "n[1-3]", SLURM_JOB_CPUS_PER_NODE: "4(x2)" })),
    /gives 2 nodes, \$SLURM_JOB_NODELIST "n\[1-3\]" 3/,
  );
});

Deno.test("pbsNodes counts a node's lines as its cpus, in order of first appearance", async () => {
  const dir = await mkdtemp(join(tmpdir(), "rain-pbs-"));
  try {
    const file = join(dir, "nodes");
    await writeFile(file, "cn02\ncn02\ncn01\ncn02\n\ncn01\ncn03\n");
    assert.deepEqual(await pbsNodes(file), [
      { host: "cn02", cpus: 3 },
      { host: "cn01", cpus: 2 },
      { host: "cn03", cpus: 1 },
    ]);
    await assert.rejects(pbsNodes(undefined), /needs \$PBS_NODEFILE/);
    await assert.rejects(pbsNodes(join(dir, "none")), /Cannot read \$PBS_NODEFILE ".*none"/);
    await writeFile(file, "\n");
    await assert.rejects(pbsNodes(file), /lists no node/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
