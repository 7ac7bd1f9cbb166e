/**
 * The library's sources import npm packages with `npm:` specifiers
 * (`npm:hono@^4.10.0/ws`), which Deno resolves from any folder and JSR
 * accepts; Node, Bun, esbuild and tsc know only bare ones (`hono/ws`). The
 * npm build (`scripts/_bundle.ts`, `scripts/build-npm.ts`) and the Node and
 * Bun test loaders (`tests/_node_hooks.mjs`, `tests/_bun_preload.ts`) map
 * them with {@linkcode bareSpecifier}.
 *
 * @module
 */

/** `npm:` + package (optionally scoped) + optional `@range` + optional `/subpath`. */
export const NPM_SPECIFIER = /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/;

/**
 * The bare specifier of an `npm:` one.
 *
 * @example
 * ```js
 * bareSpecifier("npm:hono@^4.10.0/ws"); // "hono/ws"
 * bareSpecifier("npm:@msgpack/msgpack@^3.1.3"); // "@msgpack/msgpack"
 * bareSpecifier("./x.ts"); // "./x.ts" (not an npm: specifier: unchanged)
 * ```
 *
 * @param {string} specifier A module specifier.
 * @returns {string} The package name and subpath, without `npm:` and the version range.
 */
export function bareSpecifier(specifier) {
  const m = NPM_SPECIFIER.exec(specifier);
  return m ? m[1] + (m[2] ?? "") : specifier;
}

/**
 * Makes the `npm:` specifiers in a module's source bare (for loaders that
 * cannot resolve them, such as Bun's plugins).
 *
 * @param {string} code The source.
 * @returns {string} The source, every `"npm:..."` string literal made bare.
 */
export function withBareSpecifiers(code) {
  return code.replace(/(["'])(npm:[^"'\s]+)\1/g, (_, q, s) => q + bareSpecifier(s) + q);
}
