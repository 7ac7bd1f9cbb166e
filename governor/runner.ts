/**
 * Runs assigned tasks on the governor: never more cpus at once than the
 * governor has, inputs fetched from other governors when needed, built-ins
 * in-process, results stored and reported in batches.
 *
 * @module
 */
import { type DataType, type Id, isEmptyRecord, type TaskInfo } from "../common/attributes.ts";
import { place, removeTree } from "./fs_util.ts";
import { InputFetchError } from "./transfer.ts";
import { isSubtype } from "../common/content_type.ts";
import type { AssignedTask } from "../protocol/assigned_task.ts";
import { type GovernorMessage, type LostInput, reportsData } from "../protocol/governor.ts";
import { type FinishedInfo, type OutputReport, packReport } from "../protocol/packed_report.ts";
import type { Builtin, BuiltinOutput } from "./builtins/types.ts";
import type { GovernorResources } from "./resources.ts";
import { type StoredObject, storeError } from "./store.ts";
import { validate } from "../protocol/validate.ts";
import { hashBytes, hashFile } from "../common/content_hash.ts";
import { hashDirectory } from "../common/dir_hash.ts";

/** How long (ms) smaller tasks may overtake a queued task that does not fit. */
const RESERVE_AFTER_MS = 500;

/** What the runner needs from its governor. */
export interface RunnerOptions {
  /** The governor's cpus. */
  cpus: number;
  /** The governor's store, executors, task directories, limits and address. */
  resources: GovernorResources;
  /** Task implementations by task type. */
  taskTypes: ReadonlyMap<string, Builtin>;
  /** Sends a report to the server (batched by the caller). */
  send(m: GovernorMessage): void;
  /** Fetches an input held by another governor into the store. */
  fetchRemote(id: Id, source: string): Promise<StoredObject>;
}

/** The governor's task queue and executor of built-ins. */
export class TaskRunner {
  readonly #o: RunnerOptions;
  #queue: AssignedTask[] = [];
  #free: number;
  #pumping = false;
  #again = false;
  readonly #stops = new Map<number, AbortController>();
  /** Runs that went asynchronous (a synchronous one starts and ends within `#start`). */
  readonly #running = new Set<Run>();
  readonly #blockedSince = new Map<AssignedTask, number>();

  /**
   * @param options The governor's parts the runner works with.
   */
  constructor(options: RunnerOptions) {
    this.#o = options;
    this.#free = options.cpus;
  }

  /**
   * Queues a task and starts what fits.
   *
   * @param task The task.
   */
  assign(task: AssignedTask): void {
    this.#queue.push(task);
    this.#pump();
  }

  /**
   * Stops a session: queued tasks are dropped, running ones aborted and
   * never reported.
   *
   * @param session The session id.
   */
  stopSession(session: number): void {
    this.#queue = this.#queue.filter((t) => t.spec.id[0] !== session);
    for (const t of this.#blockedSince.keys()) {
      if (t.spec.id[0] === session) this.#blockedSince.delete(t);
    }
    const stop = this.#stops.get(session);
    if (!stop) return;
    this.#stops.delete(session);
    stop.abort();
    for (const run of this.#running) if (run.task.spec.id[0] === session) this.#stop(run);
  }

  /** Aborts everything (governor shutdown). */
  stopAll(): void {
    this.#queue = [];
    this.#blockedSince.clear();
    for (const c of this.#stops.values()) c.abort();
    this.#stops.clear();
    for (const run of this.#running) this.#stop(run);
  }

  #pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    do {
      this.#again = false;
      let now = 0;
      for (let i = 0; i < this.#queue.length && this.#free > 0;) {
        const t = this.#queue[i]!;
        if (t.spec.resources.cpus <= this.#free) {
          // shift() when it can: splice() allocates an array of what it removes.
          if (i === 0) this.#queue.shift();
          else this.#queue.splice(i, 1);
          if (this.#blockedSince.size) this.#blockedSince.delete(t);
          this.#start(t);
          continue;
        }
        // Smaller tasks behind may pass a task that does not fit, but not for
        // long: then its cpus are reserved, so a stream of small tasks cannot
        // starve it.
        now ||= Date.now();
        const since = this.#blockedSince.get(t) ?? now;
        this.#blockedSince.set(t, since);
        if (now - since >= RESERVE_AFTER_MS) break;
        i++;
      }
    } while (this.#again);
    this.#pumping = false;
  }

  #signal(session: number): AbortSignal {
    let c = this.#stops.get(session);
    if (!c) this.#stops.set(session, c = new AbortController());
    return c.signal;
  }

  #start(t: AssignedTask): void {
    this.#free -= t.spec.resources.cpus;
    const run = new Run(t, Date.now(), this.#signal(t.spec.id[0]));
    try {
      const inputs = this.#inputs(t);
      const outs = inputs instanceof Promise
        ? inputs.then((ins) => this.#run(run, ins))
        : this.#run(run, inputs);
      if (outs instanceof Promise) {
        this.#running.add(run);
        this.#started(t, run.startTime);
        outs.then((o) => this.#succeed(run, o), (e) => this.#fail(run, e));
      } else this.#succeed(run, outs);
    } catch (e) {
      this.#fail(run, e);
    }
  }

  /**
   * Ends a run, once: gives its cpus back and reports it unless its session
   * was stopped.
   */
  #done(run: Run, error: string, outputs: OutputReport[], lostInput?: LostInput): void {
    if (run.over) return;
    run.over = true;
    const t = run.task;
    this.#free += t.spec.resources.cpus;
    this.#running.delete(run);
    this.#dropFetched(t);
    if (!run.signal.aborted) this.#report(run, error, outputs, lostInput);
    this.#pump();
  }

  #succeed(run: Run, outputs: OutputReport[]): void {
    if (run.signal.aborted) this.#removeOutputs(run.task);
    this.#done(run, "", outputs);
  }

  #fail(run: Run, e: unknown): void {
    if (e instanceof InputFetchError) {
      this.#done(run, e.message, [], { id: e.id, source: e.source });
    } else this.#done(run, e instanceof Error ? e.message : String(e), []);
  }

  /**
   * A stopped task gives its cpus back at once (the server has already
   * released them), even if its program takes a while to die; whatever it
   * still stores afterwards is removed.
   */
  #stop(run: Run): void {
    this.#done(run, "Task was stopped", []);
    this.#removeOutputs(run.task);
  }

  #removeOutputs(t: AssignedTask): void {
    for (const o of t.outputs) this.#o.resources.store.remove(o.id);
  }

  /**
   * Drops the inputs a task fetched from other governors once no queued or
   * running task here needs them: the server does not count this governor
   * as their holder, so it would never free them.
   */
  #dropFetched(t: AssignedTask): void {
    const sources = t.sources;
    if (!sources) return;
    for (let i = 0; i < sources.length; i++) {
      if (!sources[i]) continue;
      const id = t.spec.inputs[i]!.id;
      if (!this.#needed(id)) this.#o.resources.store.remove(id);
    }
  }

  /** Whether a queued or running task has this input. */
  #needed(id: Id): boolean {
    for (const run of this.#running) if (hasInput(run.task, id)) return true;
    for (const t of this.#queue) if (hasInput(t, id)) return true;
    return false;
  }

  #started(t: AssignedTask, startTime: number): void {
    this.#o.send({ type: "started", id: t.spec.id, startTime });
  }

  #inputs(t: AssignedTask): StoredObject[] | Promise<StoredObject[]> {
    const inputs = new Array<StoredObject | Promise<StoredObject>>(t.spec.inputs.length);
    let remote = false;
    for (let i = 0; i < t.spec.inputs.length; i++) {
      const id = t.spec.inputs[i]!.id;
      const local = this.#o.resources.store.get(id) ?? this.#o.resources.store.pending(id);
      if (local) {
        if (local instanceof Promise) remote = true;
        inputs[i] = local;
      } else if (t.sources?.[i]) {
        remote = true;
        inputs[i] = this.#o.fetchRemote(id, t.sources[i]!);
      } else {throw new Error(
          `Input object ${id.join("/")} is not on governor ${this.#o.resources.address}`,
        );}
    }
    return remote ? Promise.all(inputs) : inputs as StoredObject[];
  }

  #run(run: Run, inputs: StoredObject[]): OutputReport[] | Promise<OutputReport[]> {
    const t = run.task;
    const impl = this.#o.taskTypes.get(t.spec.taskType);
    if (!impl) throw new Error(`Unknown task type "${t.spec.taskType}"`);
    const config = checkConfig(impl, t);
    const resources = this.#o.resources;
    const result = impl.run({ task: t, config, inputs, signal: run.signal, info: run, resources });
    return result instanceof Promise
      ? result.then((r) => this.#storeAll(t, r))
      : this.#storeAll(t, result);
  }

  #storeAll(t: AssignedTask, results: BuiltinOutput[]): OutputReport[] | Promise<OutputReport[]> {
    if (results.length !== t.outputs.length) {
      throw new Error(`Task produced ${results.length} outputs, expected ${t.outputs.length}`);
    }
    const reports = new Array<OutputReport | Promise<OutputReport>>(results.length);
    let pending = false;
    for (let i = 0; i < results.length; i++) {
      const r = this.#storeOne(t, i, results[i]!);
      if (r instanceof Promise) pending = true;
      reports[i] = r;
    }
    return pending ? Promise.all(reports) : reports as OutputReport[];
  }

  #storeOne(t: AssignedTask, i: number, r: BuiltinOutput): OutputReport | Promise<OutputReport> {
    const spec = t.outputs[i]!;
    const declared = spec.contentType ?? "";
    const declaredType = spec.dataType ?? "blob";
    const contentType = "forward" in r ? r.forward.info.contentType : r.contentType ?? declared;
    if (!isSubtype(contentType, declared)) {
      throw new Error(
        `Output "${spec.label}" has content type "${contentType}", ` +
          `which is not a sub-type of the declared "${declared}"`,
      );
    }
    const store = this.#o.resources.store;
    const info = { error: "", size: 0, contentType, hash: "", debug: "", user: r.user ?? {} };
    if ("data" in r) {
      // The bytes are in memory: hashed here, while they are hot in the cache.
      info.hash = hashBytes(r.data);
      if (r.data.length <= store.limits.inMemoryBytes) {
        info.size = r.data.length;
        const obj = store.put({ id: spec.id, dataType: "blob", data: r.data, path: null, info });
        return outputReport(t, i, obj);
      }
      return store.putBytes(spec.id, r.data, contentType, info.hash)
        .then((obj) => outputReport(t, i, obj));
    }
    const source = "forward" in r ? r.forward : null;
    if (source?.data) {
      info.size = source.data.length;
      info.hash = source.info.hash || hashBytes(source.data);
      const { dataType, data } = source;
      return outputReport(t, i, store.put({ id: spec.id, dataType, data, path: null, info }));
    }
    const from = source ? source.path! : (r as { file: string }).file;
    const dataType = source ? source.dataType : (r as { dataType?: DataType }).dataType ?? "blob";
    if (dataType !== declaredType) {
      throw new Error(
        `Output "${spec.label}" is a ${dataType}, but a ${declaredType} was declared`,
      );
    }
    const mode = source ? "link" : (r as { move?: boolean }).move ? "move" : "copy";
    const path = store.pathFor(spec.id);
    return place(from, path, mode).then(async (size) => {
      info.size = size;
      // A file or tree that a program or function wrote: read once more to hash it.
      info.hash = source
        ? await store.hashOf(source)
        : dataType === "dir"
        ? await hashDirectory(path)
        : await hashFile(path);
      return outputReport(t, i, store.put({ id: spec.id, dataType, data: null, path, info }));
    }, async (e) => {
      // No partial copy left behind (but never a file that was there before).
      if ((e as { code?: string }).code !== "EEXIST") await removeTree(path).catch(() => {});
      throw storeError(spec.id, e);
    });
  }

  #report(run: Run, error: string, outputs: OutputReport[], lostInput?: LostInput): void {
    const { task: t, startTime } = run;
    const duration = Date.now() - startTime;
    if (error) {
      const info: TaskInfo = {
        error,
        startTime,
        duration,
        governor: this.#o.resources.address,
        debug: run.debug,
        user: run.user,
      };
      this.#o.send({ type: "failed", id: t.spec.id, info, ...lostInput && { lostInput } });
      return;
    }
    const info: FinishedInfo = { startTime, duration };
    if (run.debug) info.debug = run.debug;
    if (!isEmptyRecord(run.user)) info.user = run.user;
    const report = packReport(t.spec.id, info, outputs);
    this.#o.send(
      report ? { type: "done", report } : { type: "finished", id: t.spec.id, info, outputs },
    );
  }
}

/**
 * Checks a task's config with its built-in's validator.
 *
 * @throws {Error} Naming the task type and the field, e.g. `Invalid sleep
 *   config: config.seconds: expected a number`: the task fails.
 */
function checkConfig<C>(impl: Builtin<C>, t: AssignedTask): C {
  try {
    const config = validate(impl.config, t.spec.config, "config");
    impl.fits?.(config, t);
    return config;
  } catch (e) {
    throw new Error(`Invalid ${t.spec.taskType} config: ${(e as Error).message}`);
  }
}

/** What is reported of a task's `i`-th output, stored as `obj`. */
function outputReport(t: AssignedTask, i: number, obj: StoredObject): OutputReport {
  const spec = t.outputs[i]!;
  const o = obj.info;
  const out: OutputReport = { id: spec.id, size: o.size, hash: o.hash };
  if (o.contentType !== (spec.contentType ?? "")) out.contentType = o.contentType;
  if (o.debug) out.debug = o.debug;
  if (!isEmptyRecord(o.user)) out.user = o.user;
  if (obj.data && reportsData(obj.data.length, t.keep?.[i] ?? false)) out.data = obj.data;
  return out;
}

/**
 * A started task, holding its cpus until it ends; also the task-info extras
 * its built-in may set (`ctx.info`).
 */
class Run {
  debug = "";
  user: Record<string, unknown> = {};
  /** Whether it ended (finished, failed or was stopped). */
  over = false;

  constructor(
    readonly task: AssignedTask,
    readonly startTime: number,
    /** Its session's signal, aborted when the session stops. */
    readonly signal: AbortSignal,
  ) {}
}

function hasInput(t: AssignedTask, id: Id): boolean {
  for (const input of t.spec.inputs) {
    if (input.id[0] === id[0] && input.id[1] === id[1]) return true;
  }
  return false;
}
