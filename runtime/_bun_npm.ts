/**
 * Lets Bun import the library's TypeScript sources, which name npm packages
 * with `npm:` specifiers (`npm:hono@^4.10.0/ws`) that Bun does not resolve: a
 * plugin makes them bare (`hono/ws`, resolved from `node_modules`) in every
 * `.ts` module Bun loads from then on. An executor on Bun loads the modules of
 * `remote.fromModule()` so, and they may import the library's sources. (The
 * npm bundle itself has bare specifiers already; `scripts/npm_specifier.mjs`
 * is the same mapping for the build tools, and the tests check that the two
 * agree.)
 *
 * @module
 */
import { readFile } from "node:fs/promises";

/** The part of the `Bun` global's plugin API used here and by the tests' Bun preload. */
export interface BunPlugins {
  plugin(plugin: {
    name: string;
    setup(build: {
      onLoad(
        options: { filter: RegExp },
        load: (args: { path: string }) => Promise<{ contents: string; loader: "ts" }>,
      ): void;
    }): void;
  }): void;
}

/** The `Bun` global, present only on Bun (checked before use). */
declare const Bun: BunPlugins;

/** An `npm:` string literal: quote, package (optionally scoped), `@range`, `/subpath`. */
const NPM_LITERAL = /(["'])npm:((?:@[^/@"'\s]+\/)?[^/@"'\s]+)(?:@[^/"'\s]*)?(\/[^"'\s]*)?\1/g;

/**
 * Makes the `npm:` specifiers in a module's source bare.
 *
 * @example
 * ```ts ignore
 * withBareSpecifiers('import { Hono } from "npm:hono@^4.10.0";'); // 'import { Hono } from "hono";'
 * ```
 *
 * @param code The source.
 * @returns The source, every `"npm:..."` string literal made bare.
 */
export function withBareSpecifiers(code: string): string {
  return code.replace(NPM_LITERAL, (_, q, name, sub) => `${q}${name}${sub ?? ""}${q}`);
}

let registered = false;

/**
 * On Bun, registers the plugin (once per process); elsewhere does nothing
 * (Deno resolves `npm:` itself, Node runs the npm bundle).
 */
export function bareNpmSpecifiersOnBun(): void {
  if (registered || !("Bun" in globalThis)) return;
  registered = true;
  Bun.plugin({
    name: "rain-npm-specifiers",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async ({ path }) => ({
        contents: withBareSpecifiers(await readFile(path, "utf8")),
        loader: "ts",
      }));
    },
  });
}
