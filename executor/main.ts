/**
 * The executor process: runs remote functions for its governor, one task at
 * a time, reading run messages from stdin and writing results to stdout as
 * length-prefixed CBOR frames. `console.log` and friends go to stderr.
 *
 * @module
 */
import { encodeExecutorFrame, FrameReader, validateRunMessage } from "../protocol/executor.ts";
import { ownProcess } from "../runtime/own_process.ts";
import { runTask } from "./run.ts";

// Stdout carries the protocol: user output goes to stderr.
const toStderr = console.error.bind(console);
console.log =
  console.info =
  console.debug =
  console.dir =
  console.table =
    toStderr;

const reader = new FrameReader();
let chain: Promise<void> = Promise.resolve();
const fatal = (e: unknown) => {
  console.error(`Executor failed: ${(e as Error).stack ?? e}`);
  ownProcess.exit(70);
};

for await (const chunk of ownProcess.stdin()) {
  for (const m of reader.push(chunk)) {
    const run = validateRunMessage(m);
    chain = chain.then(async () =>
      await ownProcess.writeStdout(encodeExecutorFrame(await runTask(run)))
    );
  }
  chain.catch(fatal);
}
await chain;
ownProcess.exit(0);
