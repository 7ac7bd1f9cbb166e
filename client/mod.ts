/**
 * The Rain client: connect to a server, build task graphs in sessions,
 * submit them and fetch results.
 *
 * @module
 */
import { concat, load, sleep, store } from "./builtins.ts";

export { Client, type NewSessionOptions, type ServerInfo } from "./client.ts";
export { Session, type SessionState } from "./session.ts";
export { Task } from "./task.ts";
export { DataObject } from "./data_object.ts";
export { LabeledList } from "./labeled_list.ts";
export { blob, type BlobOptions, directory } from "./blob.ts";
export type { DataLike, TaskOptions } from "./factory.ts";

/** The built-in task factories. */
export const tasks = { concat, sleep, load, store };
