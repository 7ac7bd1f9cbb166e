/**
 * The `rain` executable of the npm package (`dist/cli.js`): runs the command
 * line unconditionally, since Node 20 has no `import.meta.main`.
 *
 * @module
 */
import { runtime } from "../runtime/mod.ts";
import { runCli } from "./main.ts";

await runCli(runtime.args());
