/**
 * Runs the TypeScript code blocks of the documentation as a user would: each
 * complete example (a ```ts block that connects a client) is written to a
 * temporary folder outside the repository and run with `deno run -A`, its
 * imports of `@rain/rain` (and the README's `./mod.ts`) pointed at this
 * checkout and its `Client.connect("localhost", 7210)` at the test's cluster.
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./_runtime_process.ts";

/** A code block of a Markdown file. */
export interface DocBlock {
  /** Where it is: `docs/guide.md:42`. */
  where: string;
  /** Its code. */
  code: string;
  /** The text block right after it, if any: what the code prints. */
  expected: string | null;
}

/**
 * The runnable examples of a Markdown file: ```ts blocks (not marked
 * `ignore`) that call `Client.connect(`, each with the ```text block that
 * follows it.
 *
 * @param file The file, relative to the repository root.
 * @returns The blocks in order.
 */
export async function docBlocks(file: string): Promise<DocBlock[]> {
  const lines = (await readFile(join(ROOT, file), "utf8")).split("\n");
  const blocks: { lang: string; line: number; body: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]!);
    if (!open || !open[1]) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && lines[i] !== "```") body.push(lines[i]!);
    blocks.push({ lang: `${open[1]}${open[2]}`.trim(), line: start + 1, body: body.join("\n") });
  }
  const out: DocBlock[] = [];
  blocks.forEach((b, k) => {
    if (b.lang !== "ts" || !b.body.includes("Client.connect(")) return;
    const next = blocks[k + 1];
    const between = next ? lines.slice(b.line + b.body.split("\n").length + 1, next.line - 1) : [];
    const adjacent = next?.lang === "text" && between.every((l) => l.trim() === "");
    out.push({ where: `${file}:${b.line}`, code: b.body, expected: adjacent ? next.body : null });
  });
  return out;
}

/**
 * A block's code as a script for a folder outside the repository, against a cluster.
 *
 * @param code The block's code.
 * @param address The cluster's `host:port`.
 * @returns The script.
 */
export function asScript(code: string, address: string): string {
  const mod = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
  return code
    .replaceAll('"@rain/rain"', mod("mod.ts"))
    .replaceAll('"@rain/rain/server"', mod("server/mod.ts"))
    .replaceAll('"@rain/rain/governor"', mod("governor/mod.ts"))
    .replaceAll('"./mod.ts"', mod("mod.ts"))
    .replaceAll('Client.connect("localhost", 7210)', `Client.connect(${JSON.stringify(address)})`);
}

/**
 * Writes a block as `script.ts` into a folder.
 *
 * @param dir The folder.
 * @param block The block.
 * @param address The cluster's `host:port`.
 */
export async function writeScript(dir: string, block: DocBlock, address: string): Promise<void> {
  await writeFile(join(dir, "script.ts"), asScript(block.code, address));
}
