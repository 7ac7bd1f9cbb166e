/**
 * Factories of the built-in tasks that run inside the governor.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { createTask, type DataLike, type TaskOptions, toObject } from "./factory.ts";
import type { Task } from "./task.ts";

const blobOutput = (contentType = "") => ({ label: "0", contentType, dataType: "blob" as const });

function absolutePath(path: unknown, what: string): string {
  if (typeof path !== "string" || !isAbsolute(path)) {
    throw new TypeError(`${what} needs an absolute path on the governor, got ${JSON.stringify(path)}`);
  }
  return path;
}

/**
 * One blob: the inputs concatenated in order.
 *
 * @param objects Blobs (or one-output tasks).
 * @param opts Common options.
 * @returns The task.
 */
export function concat(objects: readonly DataLike[], opts?: TaskOptions): Task {
  if (!Array.isArray(objects)) throw new TypeError("concat() takes an array of data objects");
  const inputs = objects.map((x, i) => ({ object: toObject(x, `concat input ${i}`, "blob"), label: "" }));
  return createTask("concat", null, inputs, [blobOutput()], opts);
}

/**
 * Forwards its input after a delay (for testing and benchmarks).
 *
 * @param object The object to forward.
 * @param seconds The delay.
 * @param opts Common options.
 * @returns The task.
 */
export function sleep(object: DataLike, seconds: number, opts?: TaskOptions): Task {
  if (typeof seconds !== "number" || !(seconds >= 0)) {
    throw new TypeError(`sleep() needs a non-negative number of seconds, got ${seconds}`);
  }
  const input = toObject(object, "sleep input");
  return createTask("sleep", { seconds }, [{ object: input, label: "" }], [{
    label: "0",
    contentType: input.spec.contentType,
    dataType: input.spec.dataType,
  }], opts);
}

/**
 * A blob copied in from a file on the governor's file system.
 *
 * @param path Absolute path on the governor.
 * @param opts Common options, plus the declared content type.
 * @returns The task.
 */
export function load(path: string, opts?: TaskOptions & { contentType?: string }): Task {
  absolutePath(path, "load()");
  return createTask("load", { path }, [], [blobOutput(opts?.contentType)], opts);
}

/**
 * Writes an object to the governor's file system; no output.
 *
 * @param object The object to write.
 * @param path Absolute path on the governor.
 * @param opts Common options.
 * @returns The task.
 */
export function store(object: DataLike, path: string, opts?: TaskOptions): Task {
  absolutePath(path, "store()");
  const input = toObject(object, "store input");
  return createTask("store", { path }, [{ object: input, label: "" }], [], opts);
}
