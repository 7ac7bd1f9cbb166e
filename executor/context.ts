/**
 * The executor's implementation of the remote-function {@linkcode Context}.
 *
 * @module
 */
import { mkdirSync, renameSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { format } from "node:util";
import type { Context, ContextBlobOptions } from "../client/context.ts";
import type { ObjectSpec, TaskInfo, TaskSpec } from "../common/attributes.ts";
import { emptyObjectInfo } from "../common/attributes.ts";
import { checkContentType, encodeValue } from "../common/content_type.ts";
import { DataInstance } from "../common/data_instance.ts";
import { msgpack } from "../common/optional.ts";
import { PendingInstance, StagedInstance } from "./instances.ts";

/** The context of one task run. */
export class TaskContext implements Context {
  /** The task's spec. */
  readonly spec: TaskSpec;
  /** The task's info; `user` is writable. */
  readonly info: TaskInfo;
  /**
   * Where staged files wait for the end of the task: beside the working
   * directory, which is emptied after the task, and out of the function's sight.
   */
  readonly stagingDir: string;
  readonly #cwd: string;
  readonly #lines: string[] = [];
  #staged = 0;
  readonly #pending: PendingInstance[] = [];

  /**
   * @param spec The task's spec.
   * @param cwd The task's working directory.
   * @param governor The governor's `host:port`.
   */
  constructor(spec: TaskSpec, cwd: string, governor: string) {
    this.spec = spec;
    this.#cwd = cwd;
    this.stagingDir = `${cwd}.staged`;
    this.info = { error: "", startTime: Date.now(), duration: 0, governor, debug: "", user: {} };
  }

  /** The debug log so far. */
  get debugText(): string {
    return this.#lines.join("\n");
  }

  /**
   * Appends a line to the debug log.
   *
   * @param args What to log, formatted like `console.log`.
   */
  debug(...args: unknown[]): void {
    this.#lines.push(format(...args));
    this.info.debug = this.debugText;
  }

  /**
   * Makes an in-memory result.
   *
   * @param data Bytes, a string, or (with `encode`) any value.
   * @param options Content type or encoding.
   * @returns The result.
   */
  blob(data: unknown, options: ContextBlobOptions = {}): DataInstance {
    let bytes: Uint8Array;
    let contentType: string;
    if (options.encode !== undefined) {
      if (options.contentType !== undefined && options.contentType !== options.encode) {
        throw new TypeError(
          `Conflicting options: encode "${options.encode}" and contentType "${options.contentType}"`,
        );
      }
      contentType = options.encode;
      if (options.encode === "msgpack" && !msgpack.loaded) {
        const info = { ...emptyObjectInfo(), contentType };
        const pending = new PendingInstance(resultSpec(""), info, structuredClone(data), "msgpack");
        this.#pending.push(pending);
        return pending;
      }
      bytes = encodeValue(data, options.encode);
    } else {
      if (options.contentType !== undefined) checkContentType(options.contentType);
      if (data instanceof Uint8Array) {
        bytes = data;
        contentType = options.contentType ?? "";
      } else if (typeof data === "string") {
        bytes = new TextEncoder().encode(data);
        contentType = options.contentType ?? "text";
      } else {
        throw new TypeError(
          `ctx.blob() takes a Uint8Array or a string, or any value with { encode }; got ${
            kind(data)
          }`,
        );
      }
    }
    return new DataInstance(resultSpec(""), {
      ...emptyObjectInfo(),
      contentType,
      size: bytes.length,
    }, bytes);
  }

  /** Encodes the `ctx.blob()` results that waited for their encoder (after the function returned). */
  async settle(): Promise<void> {
    for (const p of this.#pending) await p.settle();
  }

  /** Whether a file or directory was staged (and the staging directory exists). */
  get staged(): boolean {
    return this.#staged > 0;
  }

  /**
   * Stages a file the function wrote as a result: it is moved out of the
   * working directory (after the call it is no longer there).
   *
   * @param path The file.
   * @param options Its content type.
   * @returns The result.
   */
  stageFile(path: string, options: { contentType?: string } = {}): DataInstance {
    if (options.contentType !== undefined) checkContentType(options.contentType);
    const full = this.#inside(path, "stageFile");
    if (!statSync(full).isFile()) throw new TypeError(`ctx.stageFile(): "${path}" is not a file`);
    return new StagedInstance(resultSpec(""), {
      ...emptyObjectInfo(),
      contentType: options.contentType ?? "",
    }, this.#moveOut(full));
  }

  /**
   * Stages a directory the function wrote as a dir result: it is moved out of
   * the working directory (after the call it is no longer there).
   *
   * @param path The directory.
   * @returns The result.
   */
  stageDirectory(path: string): DataInstance {
    const full = this.#inside(path, "stageDirectory");
    if (!statSync(full).isDirectory()) {
      throw new TypeError(`ctx.stageDirectory(): "${path}" is not a directory`);
    }
    return new StagedInstance(
      { ...resultSpec(""), dataType: "dir" },
      emptyObjectInfo(),
      this.#moveOut(full),
    );
  }

  /** Moves a staged file or directory into the staging directory (a rename: no copy). */
  #moveOut(full: string): string {
    if (this.#staged === 0) mkdirSync(this.stagingDir, { recursive: true });
    const to = join(this.stagingDir, String(this.#staged++));
    renameSync(full, to);
    return to;
  }

  #inside(path: string, what: string): string {
    const full = resolve(this.#cwd, path);
    const rel = relative(this.#cwd, full);
    if (rel === "" || rel.startsWith("..") || resolve(this.#cwd, rel) !== full) {
      throw new TypeError(`ctx.${what}(): "${path}" is not inside the task's working directory`);
    }
    try {
      statSync(full);
    } catch {
      throw new TypeError(`ctx.${what}(): "${path}" does not exist`);
    }
    return full;
  }
}

function resultSpec(label: string): ObjectSpec {
  return { id: [0, 0], label, contentType: "", dataType: "blob", user: {} };
}

/**
 * Describes a value's kind for error messages.
 *
 * @param v The value.
 * @returns E.g. `"a number"`, `"null"`, `"an array"`, `"an object (Map)"`.
 */
export function kind(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") {
    const name = (v as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return `a ${typeof v}`;
}
