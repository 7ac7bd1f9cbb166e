/**
 * Slurm (`rain start --autoconf slurm`): the nodes of the job from
 * `$SLURM_JOB_NODELIST` in Slurm's compact host-list form, and their cpus
 * from `$SLURM_JOB_CPUS_PER_NODE` (else `$SLURM_CPUS_ON_NODE` for all).
 *
 * @module
 */
import type { GovernorHost } from "./remote_governors.ts";

/**
 * Expands a compact Slurm host list: comma-separated names, each with any
 * number of bracketed groups of numbers and ranges, zero padding kept.
 *
 * @example
 * ```ts
 * import { expandNodeList } from "./slurm.ts";
 * expandNodeList("node[01-03,07],gpu2"); // ["node01", "node02", "node03", "node07", "gpu2"]
 * expandNodeList("r[1-2]n[1-2]"); // ["r1n1", "r1n2", "r2n1", "r2n2"]
 * ```
 *
 * @param list The host list.
 * @returns The host names, in order.
 * @throws {Error} When the list is malformed.
 */
export function expandNodeList(list: string): string[] {
  const invalid = (why: string) => new Error(`Invalid Slurm node list "${list}": ${why}`);
  return splitTopLevel(list.trim(), invalid).flatMap((name) => {
    let names = [""];
    for (let rest = name; rest !== "";) {
      const open = rest.indexOf("[");
      const close = open < 0 ? -1 : rest.indexOf("]", open);
      const text = open < 0 ? rest : rest.slice(0, open);
      if (text.includes("]") || open >= 0 && close < 0) {
        throw invalid(`unbalanced brackets in "${name}"`);
      }
      const parts = open < 0 ? [""] : expandGroup(rest.slice(open + 1, close), invalid);
      names = names.flatMap((n) => parts.map((p) => n + text + p));
      rest = open < 0 ? "" : rest.slice(close + 1);
    }
    return names;
  });
}

/** Splits at commas outside brackets. */
function splitTopLevel(list: string, invalid: (why: string) => Error): string[] {
  const names: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i <= list.length; i++) {
    const c = list[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if ((c === "," && depth === 0) || i === list.length) {
      const name = list.slice(start, i);
      if (name === "") throw invalid("empty name");
      names.push(name);
      start = i + 1;
    }
  }
  return names;
}

/** `01-03,07` → `["01", "02", "03", "07"]`. */
function expandGroup(group: string, invalid: (why: string) => Error): string[] {
  return group.split(",").flatMap((range) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) throw invalid(`"${range}" is not a number or a range`);
    const [, from, to = from] = m;
    const [a, b] = [Number(from), Number(to)];
    if (b < a) throw invalid(`range "${range}" goes down`);
    if (b - a >= 100_000) throw invalid(`range "${range}" is too large`);
    return Array.from({ length: b - a + 1 }, (_, i) => String(a + i).padStart(from!.length, "0"));
  });
}

/**
 * Expands `$SLURM_JOB_CPUS_PER_NODE` (`72(x2),36` → `[72, 72, 36]`).
 *
 * @param value The variable's value.
 * @returns Cpus per node, in node-list order.
 * @throws {Error} When it is malformed.
 */
export function expandCpusPerNode(value: string): number[] {
  return value.split(",").flatMap((part) => {
    const m = /^(\d+)(?:\(x(\d+)\))?$/.exec(part.trim());
    if (!m || Number(m[1]) < 1) {
      throw new Error(`Invalid $SLURM_JOB_CPUS_PER_NODE "${value}" at "${part}"`);
    }
    return Array<number>(Number(m[2] ?? 1)).fill(Number(m[1]));
  });
}

/**
 * The governors of a Slurm job: one per node of `$SLURM_JOB_NODELIST`.
 *
 * @param env Reads an environment variable.
 * @returns The governors, with their cpus when Slurm says them.
 * @throws {Error} When the variables are missing or malformed.
 */
export function slurmNodes(env: (name: string) => string | undefined): GovernorHost[] {
  const list = env("SLURM_JOB_NODELIST") ?? env("SLURM_NODELIST");
  if (!list) {
    throw new Error("--autoconf slurm needs $SLURM_JOB_NODELIST (run it inside a Slurm job)");
  }
  const hosts = expandNodeList(list);
  const perNode = env("SLURM_JOB_CPUS_PER_NODE");
  const onNode = env("SLURM_CPUS_ON_NODE");
  let cpus: (number | undefined)[] = [];
  if (perNode) {
    cpus = expandCpusPerNode(perNode);
    if (cpus.length !== hosts.length) {
      throw new Error(
        `$SLURM_JOB_CPUS_PER_NODE "${perNode}" gives ${cpus.length} nodes, ` +
          `$SLURM_JOB_NODELIST "${list}" ${hosts.length}`,
      );
    }
  } else if (onNode) {
    if (!/^\d+$/.test(onNode) || Number(onNode) < 1) {
      throw new Error(`Invalid $SLURM_CPUS_ON_NODE "${onNode}"`);
    }
    cpus = hosts.map(() => Number(onNode));
  }
  return hosts.map((host, i) => ({ host, cpus: cpus[i] }));
}
