/**
 * The `rain` command: the npm package's executable (`dist/cli.js`), JSR's
 * `jsr:@rain/rain/cli` (`deno run -A jsr:@rain/rain/cli start --simple`).
 * It runs the command line unconditionally, since Node 20 has no
 * `import.meta.main`.
 *
 * @example Start a server and a governor
 * ```sh
 * deno run -A jsr:@rain/rain/cli start --simple
 * ```
 *
 * @module
 */
import { runtime } from "../runtime/mod.ts";
import { runCli } from "./main.ts";

await runCli(runtime.args());
