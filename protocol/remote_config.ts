/**
 * The `config` of a `remote` task: which function to run and how to call
 * it. The client builds it, the governor and the executor check it.
 *
 * @module
 */
import type { TaskSpec } from "../common/attributes.ts";
import { taskSpecCore, user } from "./attributes.ts";
import {
  array,
  bool,
  bytes,
  dictOf,
  type Infer,
  int,
  object,
  objectOf,
  optional,
  record,
  str,
  type Validator,
} from "./validate.ts";

/** The property of a `remote()` callable that holds the wrapped function. */
export const REMOTE_FUNCTION: unique symbol = Symbol.for("rain.remote.function");

const sourceRef = object({ source: str });
const moduleRef = object({ module: str, exportName: str });

/** Where a remote function comes from: its source text, or a module URL and export name. */
export type RemoteFunctionRef = Infer<typeof sourceRef> | Infer<typeof moduleRef>;

const functionRef: Validator<RemoteFunctionRef> = (v) => {
  const r = record(v);
  return "source" in r ? sourceRef(r) : moduleRef(r);
};

const remoteParam = object({
  /** Pass the loaded value instead of the `DataInstance`. */
  load: optional(bool),
  /** The content type the inputs in this parameter must have. */
  contentType: optional(str),
});

/** Per-parameter input options (`Input({ load, contentType })`), keyed by parameter name. */
export type RemoteParam = Infer<typeof remoteParam>;

/** Checks the `config` of a `remote` task. */
export const remoteConfig = object({
  /** The function: its source text, or a module URL and export name. */
  fn: functionRef,
  /**
   * The call's arguments (after the context), CBOR-encoded, data objects as
   * placeholders (`remote_args.ts`).
   */
  args: bytes,
  /** Per task input: the index of the argument it appears in. */
  inputs: array(int),
  /** Input options by parameter name. */
  params: dictOf(remoteParam),
  /** Load every data-object argument. */
  autoLoad: bool,
  /** Per output: the encoding applied to the function's result, `""` for none. */
  encode: array(str),
});

/** The `config` of a `remote` task. */
export type RemoteConfig = Infer<typeof remoteConfig>;

/** The spec of a `remote` task: a full spec whose config is a {@linkcode RemoteConfig}. */
export type RemoteTaskSpec = Omit<TaskSpec, "config"> & { config: RemoteConfig };

/** Checks the spec of a `remote` task, its config included. */
export const remoteTaskSpec: Validator<RemoteTaskSpec> = objectOf<RemoteTaskSpec>({
  ...taskSpecCore,
  config: remoteConfig,
  user,
  name: str,
});
