/**
 * Runs the integration tests' TypeScript on Node 20 (`node --import
 * ./tests/_node_hooks.mjs --test FILE.ts...`, as `scripts/test-runtime.ts`
 * does).
 *
 * Imported with `--import`, it defines what Node 20 lacks in the test
 * process (`Symbol.dispose`, `Symbol.asyncDispose` as esbuild's bundle names
 * them, `Promise.withResolvers`, and a global `WebSocket` — the `ws`
 * package's — for the protocol tests' raw client; Rain's Node runtime uses
 * `ws` itself) and registers itself as module hooks: `.ts`
 * files of the repository are transpiled by TypeScript (types stripped,
 * `using` lowered; unlike esbuild, it renames no identifiers, so `remote()`
 * functions keep their parameter names) and get `tests/_deno_shim.ts`'s
 * `Deno` when they name it (see {@linkcode withDenoShim}); `npm:` specifiers
 * resolve as bare ones (see {@linkcode resolve}).
 *
 * @module
 */
import { register } from "node:module";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { bareSpecifier } from "../scripts/npm_specifier.mjs";

const ROOT = new URL("../", import.meta.url).href;
const SHIM = new URL("./_deno_shim.ts", import.meta.url).href;

/**
 * Adds an import of the shim's `Deno` to a repository module that names
 * `Deno` (never a global: `"Deno" in globalThis` stays false, so Rain's
 * runtime seam still picks Node's or Bun's implementation).
 *
 * @param {string} url The module's URL.
 * @param {string} code Its code.
 * @returns {string} The code, with the import when needed.
 */
export function withDenoShim(url, code) {
  if (url === SHIM || !/\bDeno\./.test(code)) return code;
  return `import { Deno } from ${JSON.stringify(SHIM)};\n${code}`;
}

/** Whether a module is a TypeScript file of the repository (not of node_modules). */
function ownTypeScript(url) {
  return url.startsWith(ROOT) && url.endsWith(".ts") && !url.includes("/node_modules/");
}

/**
 * Node's `resolve` hook: the sources' `npm:` specifiers are resolved as bare
 * ones (`npm:hono@^4.10.0/ws` as `hono/ws`, from `node_modules`).
 *
 * @param {string} specifier The specifier.
 * @param {object} context The resolve context.
 * @param {Function} next The next hook.
 * @returns {Promise<object>} The resolution.
 */
export function resolve(specifier, context, next) {
  return next(bareSpecifier(specifier), context);
}

/**
 * Node's `load` hook: transpiles the repository's `.ts` modules.
 *
 * @param {string} url The module's URL.
 * @param {object} context The load context.
 * @param {Function} next The next hook.
 * @returns {Promise<object>} The module's source and format.
 */
export async function load(url, context, next) {
  if (!ownTypeScript(url)) return next(url, context);
  const { default: ts } = await import("typescript");
  const source = await readFile(fileURLToPath(url), "utf8");
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
  });
  return { format: "module", source: withDenoShim(url, outputText), shortCircuit: true };
}

if (isMainThread) {
  Symbol.dispose ??= Symbol.for("Symbol.dispose");
  Symbol.asyncDispose ??= Symbol.for("Symbol.asyncDispose");
  Promise.withResolvers ??= function () {
    let resolve, reject;
    const promise = new this((res, rej) => [resolve, reject] = [res, rej]);
    return { promise, resolve, reject };
  };
  globalThis.WebSocket ??= (await import("ws")).WebSocket;
  register(import.meta.url);
}
