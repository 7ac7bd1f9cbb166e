/**
 * The Rain client: connect to a server, build task graphs in sessions,
 * submit them and fetch results.
 *
 * @module
 */
import { concat, load, loadDir, makeDirectory, sleep, sliceDirectory, store } from "./builtins.ts";
import { execute } from "./execute.ts";

export {
  Client,
  type ConnectOptions,
  type ContentSummary,
  type GovernorSummary,
  type NewSessionOptions,
  type ServerInfo,
} from "./client.ts";
export { Session, type SessionState } from "./session.ts";
export type { Progress, ProgressOptions } from "./progress.ts";
export { formatProgress, progressBar, type ProgressBarOptions } from "./progress_bar.ts";
export { Task } from "./task.ts";
export { DataObject } from "./data_object.ts";
export { LabeledList } from "./labeled_list.ts";
export { blob, type BlobOptions, directory } from "./blob.ts";
export type { DataLike, TaskOptions } from "./factory.ts";
export {
  Input,
  InputDir,
  type InputOptions,
  Output,
  OutputDir,
  type OutputDirOptions,
  type OutputOptions,
} from "./io.ts";
export type { ExecuteArg, ExecuteOptions } from "./execute.ts";
export { type Program, program } from "./program.ts";
export {
  type Remote,
  remote,
  type RemoteArg,
  type RemoteFunction,
  type RemoteOptions,
} from "./remote.ts";
export type { Context, ContextBlobOptions } from "./context.ts";

/** The built-in task factories. */
export const tasks = {
  concat,
  sleep,
  load,
  loadDir,
  store,
  execute,
  makeDirectory,
  sliceDirectory,
};
