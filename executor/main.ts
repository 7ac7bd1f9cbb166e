/**
 * The executor process: runs remote functions for its governor, one task at
 * a time, reading run messages from stdin and writing results to stdout as
 * length-prefixed CBOR frames. `console.log` and friends go to stderr.
 *
 * @module
 */
import process from "node:process";
import { encodeExecutorFrame, FrameReader, validateRunMessage } from "../protocol/executor.ts";
import { runTask } from "./run.ts";

// Stdout carries the protocol: user output goes to stderr.
const toStderr = console.error.bind(console);
console.log =
  console.info =
  console.debug =
  console.dir =
  console.table =
    toStderr;

/** Writes all bytes to stdout. */
async function writeOut(data: Uint8Array): Promise<void> {
  if ("Deno" in globalThis) {
    for (let at = 0; at < data.length;) at += await Deno.stdout.write(data.subarray(at));
    return;
  }
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(data, (e) => e ? reject(e) : resolve());
  });
}

async function* readIn(): AsyncGenerator<Uint8Array> {
  if ("Deno" in globalThis) yield* Deno.stdin.readable;
  else for await (const c of process.stdin) yield c as Uint8Array;
}

const reader = new FrameReader();
let chain: Promise<void> = Promise.resolve();
const fatal = (e: unknown) => {
  console.error(`Executor failed: ${(e as Error).stack ?? e}`);
  process.exit(70);
};

for await (const chunk of readIn()) {
  for (const m of reader.push(chunk)) {
    const run = validateRunMessage(m);
    chain = chain.then(async () => await writeOut(encodeExecutorFrame(await runTask(run))));
  }
  chain.catch(fatal);
}
await chain;
process.exit(0);
