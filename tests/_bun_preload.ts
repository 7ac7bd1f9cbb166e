/**
 * Runs the integration tests' TypeScript on Bun (`bun test --preload
 * ./tests/_bun_preload.ts FILE.ts...`, as `scripts/test-runtime.ts` does):
 * a Bun plugin gives the repository's `.ts` modules that name `Deno` the
 * stand-in of `tests/_deno_shim.ts` (see `withDenoShim` of
 * `tests/_node_hooks.mjs`) and bare specifiers for their `npm:` ones (see
 * `scripts/npm_specifier.mjs`). Bun transpiles them itself.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { withDenoShim } from "./_node_hooks.mjs";
import { withBareSpecifiers } from "../scripts/npm_specifier.mjs";
import type { BunPlugins } from "../runtime/_bun_npm.ts";

declare const Bun: BunPlugins;

const ROOT = new URL("..", import.meta.url).pathname;

Bun.plugin({
  name: "rain-deno-shim",
  setup(build) {
    const own = new RegExp(
      `^${ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?!node_modules/).*\\.ts$`,
    );
    build.onLoad({ filter: own }, async ({ path }) => ({
      contents: withBareSpecifiers(
        withDenoShim(pathToFileURL(path).href, await readFile(path, "utf8")),
      ),
      loader: "ts",
    }));
  },
});
