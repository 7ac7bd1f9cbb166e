/**
 * Remote functions in the executor: compiled from source (once per source
 * text) or imported from a module (once per module and export).
 *
 * @module
 */
import { parameterNames } from "../common/params.ts";
import { REMOTE_FUNCTION, type RemoteFunctionRef } from "../protocol/remote_config.ts";
import { bareNpmSpecifiersOnBun } from "../runtime/_bun_npm.ts";

/** A function ready to call, with its parameter names. */
export interface LoadedFunction {
  /** The function (`(ctx, ...args)`). */
  fn: (...args: unknown[]) => unknown;
  /** Its parameter names, the context's included. */
  names: string[];
}

const cache = new Map<string, LoadedFunction>();

/** How `toString()` shows a function without JavaScript source. */
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * Loads a remote function, from the cache when it was loaded before.
 *
 * @param ref Source text, or module URL and export name.
 * @returns The function.
 * @throws {Error} When the source does not compile to a function, or the
 *   module has no such exported function.
 */
export async function loadFunction(ref: RemoteFunctionRef): Promise<LoadedFunction> {
  const key = "source" in ref ? ref.source : `\0${ref.module}#${ref.exportName}`;
  let loaded = cache.get(key);
  if (!loaded) {
    const fn = "source" in ref
      ? compile(ref.source)
      : await importFunction(ref.module, ref.exportName);
    const source = Function.prototype.toString.call(fn);
    // A module may export a bound or native function: it has no source to read
    // names from, and its parameters can only be given by position.
    loaded = { fn, names: NATIVE.test(source) ? [] : parameterNames(source) };
    cache.set(key, loaded);
  }
  return loaded;
}

function compile(source: string): (...args: unknown[]) => unknown {
  let value: unknown;
  try {
    value = new Function(`"use strict";\nreturn (${source}\n);`)();
  } catch {
    // A method's source (`name(ctx) { ... }`) is no expression: wrap it in an object.
    try {
      const o = new Function(`"use strict";\nreturn ({ ${source}\n});`)() as Record<
        string,
        unknown
      >;
      value = Object.values(o)[0];
    } catch (e) {
      throw new Error(
        `Cannot compile the remote function: ${(e as Error).message}\nSource:\n${source}`,
      );
    }
  }
  if (typeof value !== "function") {
    throw new Error("The remote function's source is not a function");
  }
  return value as (...args: unknown[]) => unknown;
}

async function importFunction(
  url: string,
  exportName: string,
): Promise<(...args: unknown[]) => unknown> {
  // The module may import the library's sources, whose npm: specifiers Bun needs made bare.
  bareNpmSpecifiersOnBun();
  const mod = await import(url) as Record<string, unknown>;
  if (!(exportName in mod)) throw new Error(`Module ${url} has no export "${exportName}"`);
  let value = mod[exportName];
  // A remote() factory exported from the module stands for the function it wraps.
  if (typeof value === "function" && REMOTE_FUNCTION in value) value = value[REMOTE_FUNCTION];
  if (typeof value !== "function") {
    throw new Error(`Export "${exportName}" of ${url} is not a function`);
  }
  return value as (...args: unknown[]) => unknown;
}
