/**
 * What a governor holds for the server it is registered with: the objects
 * and tasks of that server's sessions. A governor that rejoins a restarted
 * server starts a fresh membership, so nothing of the old server's sessions
 * (whose ids the new server reuses) can mix with the new ones.
 *
 * @module
 */
import type { ValidServerToGovernor } from "../protocol/governor.ts";
import { builtins } from "./builtins/mod.ts";
import { removeTree } from "./fs_util.ts";
import {
  closeResources,
  type GovernorResources,
  governorResources,
  openStore,
} from "./resources.ts";
import { TaskRunner } from "./runner.ts";
import type { ServerConnection } from "./server_connection.ts";
import type { ObjectStore, StoredObject } from "./store.ts";
import { fetchObject } from "./transfer.ts";
import type { DataAccess } from "../protocol/data_plane.ts";
import type { FsRoots } from "./fs_roots.ts";
import { ContentStore } from "./contents.ts";
import type { ContentRoutes } from "./data_server.ts";

/** What a membership is made with. */
export interface MembershipOptions {
  /** Its directory (objects and task directories go below). */
  dir: string;
  /** Whether `drop()` removes the directory itself too (one it made). */
  ownDir: boolean;
  /** The governor's cpus. */
  cpus: number;
  /** The governor's registered address. */
  address: string;
  /** Heap limit of executors (MB). */
  executorMemoryMb?: number | undefined;
  /** Executor processes started at once, idle, for the first remote tasks. @default {0} */
  executors?: number | undefined;
  access: DataAccess;
  /** Where `load`, `loadDir` and `store` may act. */
  fsRoots: FsRoots;
}

/** The resources and task runner of one registration with a server. */
export class Membership {
  /** The objects. */
  readonly store: ObjectStore;
  /** The store, executors and task directories its built-ins work with. */
  readonly resources: GovernorResources;
  /** The tasks. */
  readonly runner: TaskRunner;
  /** Uploaded constant data (the server of this membership knows what it holds). */
  readonly contents: ContentStore;
  /** Where the data server puts uploads, and how the server hears of them. */
  readonly uploads: ContentRoutes;
  #connection: ServerConnection | null = null;
  readonly #fetching = new Map<string, Promise<StoredObject>>();
  readonly #ownDir: string | undefined;

  private constructor(store: ObjectStore, contents: ContentStore, options: MembershipOptions) {
    this.store = store;
    this.contents = contents;
    this.uploads = {
      contents,
      onContent: (hash, dataType, size) =>
        this.#connection?.send({ type: "contentHeld", hash, dataType, size }),
    };
    this.resources = governorResources(store, options.address, options.fsRoots);
    this.resources.executors.prestart(options.executors ?? 0);
    this.#ownDir = options.ownDir ? options.dir : undefined;
    this.runner = new TaskRunner({
      cpus: options.cpus,
      resources: this.resources,
      taskTypes: builtins,
      send: (m) => this.#connection?.send(m),
      fetchRemote: (id, source) => {
        const key = id.join("/");
        let p = this.#fetching.get(key);
        if (!p) {
          p = fetchObject(store, id, source, options.access)
            .finally(() => this.#fetching.delete(key));
          this.#fetching.set(key, p);
        }
        return p;
      },
    });
  }

  /**
   * Makes a membership with an empty store.
   *
   * @param options Directory, cpus, address and executor limits.
   * @returns The membership.
   */
  static async create(options: MembershipOptions): Promise<Membership> {
    const store = await openStore(options.dir, options.executorMemoryMb);
    const contents = new ContentStore(options.dir);
    await contents.init();
    return new Membership(store, contents, options);
  }

  /**
   * Sends the runner's reports over this connection from now on.
   *
   * @param connection The server connection.
   */
  attach(connection: ServerConnection): void {
    this.#connection = connection;
  }

  /**
   * Handles a message of the server.
   *
   * @param m The message (after registration).
   */
  handle(m: ValidServerToGovernor): void {
    const { store, runner } = this;
    switch (m.type) {
      case "assign":
        this.resources.executors.endWarmUp();
        return runner.assign(m.task);
      case "run":
        this.resources.executors.endWarmUp();
        // The hash is computed if it is ever needed (to serve or forward the object).
        for (const { id, data, contentType } of m.inline) putBlob(store, id, data, contentType, "");
        return runner.assign(m.task);
      case "put":
        if (m.dataType === "dir") {
          return store.putPending(m.id, store.putTar(m.id, m.data, m.contentType ?? "", m.hash));
        }
        return putBlob(store, m.id, m.data, m.contentType ?? "", m.hash ?? "");
      case "free":
        return store.removeMany(m.session, m.ns);
      case "stopSession":
        runner.stopSession(m.session);
        return store.removeSession(m.session);
      case "bind": {
        const { id, hash, dataType, size, contentType } = m;
        const info = { error: "", size, contentType, hash, debug: "", user: {} };
        const path = this.contents.pathFor(hash, dataType);
        store.put({ id, dataType, data: null, path, info, shared: true });
        return;
      }
      case "dropContent":
        this.contents.drop(m.hash, m.dataType).catch(() => {}); // gone already: nothing to do
        return;
    }
  }

  /**
   * Ends the membership: its tasks are stopped without a report, its
   * executors killed, and its objects and directories removed.
   */
  async drop(): Promise<void> {
    this.#connection = null;
    this.runner.stopAll();
    await closeResources(this.resources);
    await this.store.clear();
    await this.contents.clear();
    if (this.#ownDir) await removeTree(this.#ownDir);
  }
}

function putBlob(
  store: ObjectStore,
  id: [number, number],
  data: Uint8Array,
  contentType: string,
  hash: string,
): void {
  store.put({
    id,
    dataType: "blob",
    data,
    path: null,
    info: { error: "", size: data.length, contentType, hash, debug: "", user: {} },
  });
}
