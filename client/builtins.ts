/**
 * Factories of the built-in tasks that run inside the governor.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { checkRelativePath, isDirPath } from "../common/paths.ts";
import type {
  MakeDirectoryConfig,
  PathConfig,
  SliceDirectoryConfig,
} from "../protocol/task_configs.ts";
import { createTask, type DataLike, type TaskOptions, toObject } from "./factory.ts";
import { Task } from "./task.ts";
import { DataObject } from "./data_object.ts";

const blobOutput = (contentType = "") => ({ label: "0", contentType, dataType: "blob" as const });
const dirOutput = () => ({ label: "0", contentType: "", dataType: "dir" as const });

function absolutePath(path: unknown, what: string): string {
  if (typeof path !== "string" || !isAbsolute(path)) {
    throw new TypeError(
      `${what} needs an absolute path on the governor, got ${JSON.stringify(path)}`,
    );
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
  const inputs = objects.map((x, i) => {
    // The common case without building the error context string per input.
    const o = x instanceof Task ? x.outputs.length === 1 ? x.outputs[0] : undefined : x;
    const ok = o instanceof DataObject && o.spec.dataType === "blob";
    return { object: ok ? o : toObject(x, `concat input ${i}`, "blob"), label: "" };
  });
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

/**
 * A dir copied in from a directory on the governor's file system.
 *
 * @example Load a directory
 * ```ts ignore
 * const data = tasks.loadDir("/shared/dataset");
 * ```
 *
 * @param path Absolute path on the governor.
 * @param opts Common options.
 * @returns The task.
 */
export function loadDir(path: string, opts?: TaskOptions): Task {
  absolutePath(path, "loadDir()");
  const config: PathConfig = { path };
  return createTask("loadDir", config, [], [dirOutput()], opts);
}

/**
 * A dir made of the inputs at the given relative paths; intermediate
 * directories are created.
 *
 * @example Combine blobs and a directory
 * ```ts ignore
 * tasks.makeDirectory([["myfile.txt", data1], ["adir", dir], ["a/deep/path/x", data2]]);
 * ```
 *
 * @param entries `[path, object]` pairs: a blob becomes a file, a dir a sub-directory.
 * @param opts Common options.
 * @returns The task.
 * @throws {TypeError} For a path that is absolute or leaves the directory, a
 *   path ending in `/` for a blob, the same path twice, or a path below a blob's path.
 */
export function makeDirectory(
  entries: readonly (readonly [string, DataLike])[],
  opts?: TaskOptions,
): Task {
  if (!Array.isArray(entries)) {
    throw new TypeError("makeDirectory() takes an array of [path, object] pairs");
  }
  const inputs = entries.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new TypeError(`makeDirectory() entry ${i} must be a [path, object] pair`);
    }
    let path = checkRelativePath(entry[0], "makeDirectory path");
    const object = toObject(entry[1], `makeDirectory input ${i} ("${path}")`);
    if (isDirPath(path)) {
      if (object.spec.dataType !== "dir") {
        throw new TypeError(
          `MakeDirectory path "${entry[0]}" ends with "/", but ${object.description} is a blob`,
        );
      }
      path = path.slice(0, -1);
    }
    return { object, label: path };
  });
  const paths = inputs.map((i) => i.label);
  inputs.forEach(({ object, label }, i) => {
    if (paths.indexOf(label) !== i) {
      throw new TypeError(`MakeDirectory path "${label}" is given twice`);
    }
    if (object.spec.dataType !== "blob") return;
    const below = paths.find((p) => p.startsWith(`${label}/`));
    if (below !== undefined) {
      throw new TypeError(`MakeDirectory path "${below}" is below "${label}", which is a blob`);
    }
  });
  const config: MakeDirectoryConfig = { paths };
  return createTask("makeDirectory", config, inputs, [dirOutput()], opts);
}

/**
 * A file (blob) out of a dir; a path ending in `/` gives a sub-directory (dir).
 *
 * @example Take a file and a sub-directory
 * ```ts ignore
 * tasks.sliceDirectory(dir, "a/deep/path/x", { contentType: "json" }); // a blob
 * tasks.sliceDirectory(dir, "a/deep/"); // a dir
 * ```
 *
 * @param dir The dir object (or one-output task).
 * @param path Relative path inside the dir; a trailing `/` selects a directory.
 * @param opts Common options, plus the declared content type of a blob.
 * @returns The task.
 * @throws {TypeError} When the input is no dir, the path is absolute or
 *   leaves the directory, or a content type is given for a directory.
 */
export function sliceDirectory(
  dir: DataLike,
  path: string,
  opts?: TaskOptions & { contentType?: string },
): Task {
  const input = toObject(dir, "sliceDirectory input", "dir");
  const normal = checkRelativePath(path, "sliceDirectory path");
  const { contentType, ...taskOpts } = opts ?? {};
  const config: SliceDirectoryConfig = { path: normal };
  if (isDirPath(normal)) {
    if (contentType !== undefined && contentType !== "") {
      throw new TypeError(
        `SliceDirectory path "${path}" selects a directory, which has no content type`,
      );
    }
    return createTask(
      "sliceDirectory",
      config,
      [{ object: input, label: "" }],
      [dirOutput()],
      taskOpts,
    );
  }
  return createTask("sliceDirectory", config, [{ object: input, label: "" }], [
    blobOutput(contentType),
  ], taskOpts);
}
