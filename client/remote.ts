/**
 * `remote()`: wraps a TypeScript function into a task factory; the function
 * runs in an executor process on a governor.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DataInstance } from "../common/data_instance.ts";
import { parameterNames } from "../common/params.ts";
import {
  REMOTE_FUNCTION,
  type RemoteConfig,
  type RemoteFunctionRef,
  type RemoteParam,
} from "../protocol/remote_config.ts";
import type { Context } from "./context.ts";
import {
  checkTaskOptions,
  createTask,
  type DataLike,
  type OutputDef,
  type TaskOptions,
} from "./factory.ts";
import { Input, Output } from "./io.ts";
import { encodeArgs } from "./remote_args.ts";
import type { Task } from "./task.ts";

/** Options of {@linkcode remote}. */
export interface RemoteOptions extends TaskOptions {
  /** The outputs: a count, labels, `Output`s, or `0` for none. @default {1} */
  outputs?: number | readonly (string | Output)[];
  /** Input options by parameter name. */
  inputs?: Record<string, Input>;
  /** Load every data-object argument (pass values instead of `DataInstance`s). @default {false} */
  autoLoad?: boolean;
}

/** What a call accepts for a parameter of type `T`: data objects stand for `DataInstance`s (and loaded values). */
export type RemoteArg<T> = unknown extends T ? unknown
  : T extends DataInstance ? DataLike
  : T extends Uint8Array | string | number | boolean | bigint | null | undefined | Date
    ? T | DataLike
  : T extends readonly (infer U)[] ? readonly RemoteArg<U>[] | DataLike
  : T extends Map<infer K, infer V> ? Map<RemoteArg<K>, RemoteArg<V>> | DataLike
  : T extends object ? { [P in keyof T]: RemoteArg<T[P]> } | DataLike
  : T | DataLike;

/** A remote function's task factory. */
export interface RemoteFunction<A extends unknown[] = unknown[]> {
  /** Creates a task in the active session. */
  (...args: { [K in keyof A]: RemoteArg<A[K]> }): Task;
  /**
   * The same factory with other task options.
   *
   * @param options Name, cpus, user attributes.
   * @returns The new factory.
   */
  with(options: TaskOptions): RemoteFunction<A>;
  /**
   * The wrapped function (source-based remotes).
   *
   * @ignore
   */
  readonly [REMOTE_FUNCTION]?: (ctx: Context, ...args: A) => unknown;
}

/** The type of {@linkcode remote}: a factory maker with `fromModule`. */
export interface Remote {
  /**
   * Wraps a self-contained function (shipped as its source text).
   *
   * @param fn The function; its first parameter is the {@linkcode Context}.
   * @param options Outputs, inputs, autoLoad and task options.
   * @returns The task factory.
   */
  <A extends unknown[]>(
    fn: (ctx: Context, ...args: A) => unknown,
    options?: RemoteOptions,
  ): RemoteFunction<A>;
  /**
   * Wraps a function exported by a module, imported in the executor.
   *
   * @param url The module (a URL, or a path on the governors' file system).
   * @param exportName The export.
   * @param options Outputs, inputs, autoLoad and task options.
   * @returns The task factory.
   */
  fromModule(
    url: URL | string,
    exportName: string,
    options?: RemoteOptions,
  ): RemoteFunction<unknown[]>;
}

interface Prepared {
  ref: RemoteFunctionRef;
  names: string[] | null;
  outputs: OutputDef[];
  encode: string[];
  params: Record<string, RemoteParam>;
  inputSpecs: Record<string, Input>;
  autoLoad: boolean;
}

function prepare(ref: RemoteFunctionRef, names: string[] | null, options: RemoteOptions): Prepared {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("remote() options must be an object");
  }
  checkTaskOptions(options);
  const { outputs, encode } = outputDefs(options.outputs);
  const params: Record<string, RemoteParam> = {};
  const inputSpecs = options.inputs ?? {};
  for (const [name, input] of Object.entries(inputSpecs)) {
    if (!(input instanceof Input)) throw new TypeError(`remote() inputs.${name} must be an Input`);
    if (names && !names.slice(1).includes(name)) {
      throw new TypeError(`remote() inputs: the function has no parameter "${name}"`);
    }
    params[name] = {
      load: input.load,
      ...(input.contentType === undefined ? {} : { contentType: input.contentType }),
    };
  }
  if (options.autoLoad !== undefined && typeof options.autoLoad !== "boolean") {
    throw new TypeError("remote() autoLoad must be a boolean");
  }
  return { ref, names, outputs, encode, params, inputSpecs, autoLoad: options.autoLoad ?? false };
}

function outputDefs(spec: RemoteOptions["outputs"]): { outputs: OutputDef[]; encode: string[] } {
  if (spec === undefined) spec = 1;
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec < 0) {
      throw new TypeError(`remote() outputs must be a count >= 0, got ${spec}`);
    }
    const outputs = Array.from(
      { length: spec },
      (_, i) => ({ label: `${i}`, contentType: "", dataType: "blob" as const }),
    );
    return { outputs, encode: outputs.map(() => "") };
  }
  if (!Array.isArray(spec)) {
    throw new TypeError("remote() outputs must be a count, or an array of labels and Outputs");
  }
  const outputs: OutputDef[] = [];
  const encode: string[] = [];
  spec.forEach((o, i) => {
    if (typeof o === "string") {
      if (o === "") throw new TypeError("remote() output labels must not be empty");
      outputs.push({ label: o, contentType: "", dataType: "blob" });
      encode.push("");
    } else if (o instanceof Output) {
      if (o.explicitPath !== undefined) {
        throw new TypeError(`remote() output ${i} has a path: remote outputs take none`);
      }
      outputs.push({
        label: o.label ?? `${i}`,
        contentType: o.contentType ?? "",
        dataType: o.dataType,
      });
      encode.push(o.encode ?? "");
    } else throw new TypeError(`remote() output ${i} must be a label or an Output`);
  });
  const labels = outputs.map((o) => o.label);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) throw new TypeError(`remote() output label "${twice}" is given twice`);
  return { outputs, encode };
}

function makeFactory<A extends unknown[]>(
  p: Prepared,
  taskOptions: TaskOptions,
  fn: ((ctx: Context, ...args: A) => unknown) | undefined,
): RemoteFunction<A> {
  const call = (...args: unknown[]): Task => {
    const { bytes, inputs } = encodeArgs(args);
    const inputDefs = inputs.map(({ object, arg }) => {
      const name = p.names?.[arg + 1] || `arg${arg}`;
      const spec = Object.hasOwn(p.inputSpecs, name) ? p.inputSpecs[name] : undefined;
      if (spec) spec.withData(object, name); // checks its data type and content type
      return { object, label: name };
    });
    const config: RemoteConfig = {
      fn: p.ref,
      args: bytes,
      inputs: inputs.map((i) => i.arg),
      params: p.params,
      autoLoad: p.autoLoad,
      encode: p.encode,
    };
    return createTask("remote", config, inputDefs, p.outputs, taskOptions);
  };
  // `call` takes the arguments untyped; the factory's type maps each of A to
  // what may stand for it (RemoteArg), which TypeScript cannot relate to it.
  return Object.assign(call, {
    with: (o: TaskOptions) => {
      checkTaskOptions(o);
      return makeFactory(p, { ...taskOptions, ...o }, fn);
    },
    ...(fn ? { [REMOTE_FUNCTION]: fn } : {}),
  }) as unknown as RemoteFunction<A>;
}

function taskOptionsOf(options: RemoteOptions, defaultName: string): TaskOptions {
  return {
    name: options.name ?? defaultName,
    ...(options.cpus === undefined ? {} : { cpus: options.cpus }),
    ...(options.user === undefined ? {} : { user: options.user }),
  };
}

/**
 * Wraps a function into a task factory; the function runs in an executor
 * process of a governor. It is shipped as its source text, so it must be
 * self-contained (it may `await import()` what it needs).
 *
 * @example Concatenate a prefix and a data object
 * ```ts ignore
 * const join = remote((ctx, prefix: Uint8Array, data: DataInstance) => {
 *   const d = data.bytes(), out = new Uint8Array(prefix.length + d.length);
 *   out.set(prefix);
 *   out.set(d, prefix.length);
 *   return out;
 * });
 * join(new TextEncoder().encode("Hello "), blob("Rain!"));
 * ```
 */
export const remote: Remote = Object.assign(
  <A extends unknown[]>(fn: (ctx: Context, ...args: A) => unknown, options: RemoteOptions = {}) => {
    if (typeof fn !== "function") throw new TypeError("remote() takes a function");
    const source = Function.prototype.toString.call(fn);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      throw new TypeError("remote() cannot ship a native or bound function: pass a plain function");
    }
    const p = prepare({ source }, parameterNames(source), options);
    return makeFactory<A>(p, taskOptionsOf(options, fn.name), fn);
  },
  {
    fromModule(
      url: URL | string,
      exportName: string,
      options: RemoteOptions = {},
    ): RemoteFunction<unknown[]> {
      if (typeof exportName !== "string" || exportName === "") {
        throw new TypeError("remote.fromModule() needs an export name");
      }
      let href: string;
      if (url instanceof URL) href = url.href;
      else if (typeof url === "string") {
        href = /^[a-z][a-z0-9+.-]*:/i.test(url) && !isAbsolute(url)
          ? url
          : pathToFileURL(resolve(url)).href;
      } else throw new TypeError("remote.fromModule() takes a URL or a path");
      const p = prepare({ module: href, exportName }, null, options);
      return makeFactory<unknown[]>(p, taskOptionsOf(options, exportName), undefined);
    },
  },
);
