/**
 * `Context`: what a remote function gets as its first parameter.
 *
 * @module
 */
import type { TaskInfo, TaskSpec } from "../common/attributes.ts";
import type { Encoding } from "../common/content_type.ts";
import type { DataInstance } from "../common/data_instance.ts";

/** Options of {@linkcode Context.blob}: the same as `blob()`'s. */
export interface ContextBlobOptions {
  /** The result's content type (a sub-type of the output's declared one). */
  contentType?: string;
  /** Encode a value and use the encoding as content type. */
  encode?: Encoding;
}

/**
 * The task context of a remote function, its first parameter.
 *
 * @example Debug lines, user info and a run-time content type
 * ```ts ignore
 * const f = remote((ctx: Context, n: number) => {
 *   ctx.debug("n is %d", n);
 *   ctx.info.user.seen = n;
 *   return ctx.blob({ n }, { encode: "json" });
 * });
 * ```
 */
export interface Context {
  /** The task's spec. */
  readonly spec: TaskSpec;
  /** The task's info; `info.user` is writable and reaches the client. */
  readonly info: TaskInfo;
  /**
   * Appends a line to the task's debug log (formatted like `console.log`).
   *
   * @param args What to log.
   */
  debug(...args: unknown[]): void;
  /**
   * Makes a result whose content type is decided at run time.
   *
   * @param data Bytes, a string, or (with `encode`) any value.
   * @param options Content type or encoding.
   * @returns The result, to be returned by the function.
   */
  blob(data: unknown, options?: ContextBlobOptions): DataInstance;
  /**
   * Turns a file the function wrote (inside its working directory) into a
   * result without reading it into memory. The file is moved out of the
   * working directory: after the call it is no longer there.
   *
   * @param path The file, relative to the working directory or absolute.
   * @param options Its content type.
   * @returns The result, to be returned by the function.
   */
  stageFile(path: string, options?: { contentType?: string }): DataInstance;
  /**
   * Turns a directory the function wrote (inside its working directory) into
   * a dir result. The directory is moved out of the working directory: after
   * the call it is no longer there.
   *
   * @param path The directory, relative to the working directory or absolute.
   * @returns The result, to be returned by the function.
   */
  stageDirectory(path: string): DataInstance;
}
