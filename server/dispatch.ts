/**
 * Dispatch: once per event-loop turn, the scheduler chooses governors for
 * the ready tasks, and each chosen task is packed and sent to its governor
 * with the inputs it lacks: small ones inside the task, others in `put`
 * messages, or named for the governor to fetch from their holder.
 *
 * @module
 */
import type { AssignedTask } from "../protocol/assigned_task.ts";
import type { ServerToGovernorMessage } from "../protocol/governor.ts";
import { type PackedTask, packInput, packOutput, packTask } from "../protocol/packed_task.ts";
import type { EventLog } from "./events/event_log.ts";
import { objectTransferred, taskAssigned } from "./events/node_events.ts";
import type { GovernorLink } from "./governor_link.ts";
import { addLocation } from "./locations.ts";
import type { ObjectNode, TaskNode } from "./model.ts";
import type { Scheduler } from "./scheduler.ts";

/** Places ready tasks on governors and sends them there. */
export class Dispatch {
  readonly #scheduler: Scheduler;
  readonly #events: EventLog;
  readonly #tooBig: (t: TaskNode, maxCpus: number) => void;
  #queued = false;

  /**
   * @param scheduler The scheduler, with the ready tasks and the governors.
   * @param events The event stream (assignments and transfers are emitted).
   * @param tooBig Called for a ready task that needs more cpus than any
   *   governor has (the largest was lost); it is dropped from the queue.
   */
  constructor(
    scheduler: Scheduler,
    events: EventLog,
    tooBig: (t: TaskNode, maxCpus: number) => void,
  ) {
    this.#scheduler = scheduler;
    this.#events = events;
    this.#tooBig = tooBig;
  }

  /** Runs the scheduler once at the end of the current turn. */
  schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#scheduler.run((t, g) => this.#assign(t, g), this.#tooBig);
    });
  }

  #assign(t: TaskNode, g: GovernorLink): void {
    t.state = "assigned";
    g.claim(t);
    this.#events.emit(taskAssigned(t, g));
    if (t.spec.taskType === "remote") this.#assignRemote(t, g);
    else g.send({ type: "run", task: this.#pack(t, g) });
  }

  /** Packs a built-in task for `g`, with the data of small inputs it lacks. */
  #pack(t: TaskNode, g: GovernorLink): PackedTask {
    const spec = t.spec;
    const p = packTask(spec);
    for (let i = 0; i < t.inputs.length; i++) {
      const o = t.inputs[i]!;
      const n = o.spec.id[1];
      const label = spec.inputs[i]!.label;
      const given = this.#handOver(o, g, true);
      if (typeof given === "string") packInput(p, n, label, given, null, "");
      else packInput(p, n, label, "", given, o.spec.contentType);
    }
    for (const o of t.outputs) {
      packOutput(p, o.spec.id[1], o.spec.label, o.spec.contentType, o.spec.dataType, o.keep);
    }
    return p;
  }

  /** Assigns a remote-function task: its executor hands full specs (and input specs) to user code. */
  #assignRemote(t: TaskNode, g: GovernorLink): void {
    let sources: string[] | undefined;
    for (let i = 0; i < t.inputs.length; i++) {
      const source = this.#handOver(t.inputs[i]!, g, false);
      if (typeof source !== "string" || !source) continue;
      sources ??= new Array<string>(t.inputs.length).fill("");
      sources[i] = source;
    }
    const task: AssignedTask = {
      spec: t.spec,
      outputs: t.outputs.map((o) => o.spec),
      inputs: t.inputs.map((o) => o.spec),
    };
    if (sources) task.sources = sources;
    if (t.outputs.some((o) => o.keep)) task.keep = t.outputs.map((o) => o.keep);
    g.send({ type: "assign", task });
  }

  /**
   * Gets an input to the governor about to run a task: nothing to do when it
   * holds the object; when the server has the data, the governor now holds it
   * (sent in a `put` message, or returned for a blob to go inline); else the
   * governor fetches it from a holder.
   *
   * @param o The input object.
   * @param g The governor.
   * @param inline Whether a blob's data may travel inside the task.
   * @returns The data to inline, or the holder to fetch from (`""` when none is needed).
   */
  #handOver(o: ObjectNode, g: GovernorLink, inline: boolean): Uint8Array | string {
    if (o.locations.includes(g)) return "";
    if (!o.data) {
      const from = o.locations[0]?.id ?? "";
      if (from) this.#events.emit(objectTransferred(o, from, g));
      return from;
    }
    addLocation(o, g);
    if (inline && o.spec.dataType === "blob") return o.data;
    g.send(putMessage(o, o.data));
    return "";
  }
}

/** The `put` message handing a governor an object's data (default fields left out). */
function putMessage(
  o: ObjectNode,
  data: Uint8Array,
): Extract<ServerToGovernorMessage, { type: "put" }> {
  const { id, contentType, dataType } = o.spec;
  const m: Extract<ServerToGovernorMessage, { type: "put" }> = { type: "put", id, data };
  if (contentType) m.contentType = contentType;
  if (dataType !== "blob") m.dataType = dataType;
  if (o.info?.hash) m.hash = o.info.hash;
  return m;
}
