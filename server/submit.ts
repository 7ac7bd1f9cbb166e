/**
 * Turns a client's submit message into graph nodes, checking every
 * reference before anything is changed.
 *
 * @module
 */
import { formatId, NO_USER } from "../common/attributes.ts";
import type { SubmitObject } from "../protocol/client.ts";
import type { TaskSpec } from "../common/attributes.ts";
import { EMPTY, type ObjectNode, type SessionState, type TaskNode } from "./model.ts";
import { RainError } from "../common/errors.ts";
import type { ContentIndex } from "./contents.ts";
import { checkContentType } from "../common/content_type.ts";

/** The nodes a submit adds. */
export interface Submitted {
  /** New tasks in submit order. */
  tasks: TaskNode[];
  /** New objects in submit order. */
  objects: ObjectNode[];
}

/**
 * Validates a submit against the session and builds its nodes. Nothing is
 * added to the session when this throws.
 *
 * @param s The session.
 * @param taskSpecs The submitted task specs.
 * @param objectDefs The submitted objects.
 * @param maxCpus Most cpus of any governor (0 when none is connected yet).
 * @param contents The uploaded constant data, for constants that refer to it.
 * @param hits The keys (`dataType:hash`) of contents this client was told
 *   were held already: their constants' info says the data was not sent.
 * @returns The new nodes, linked to each other, to older kept objects and to
 *   objects of the same submit's earlier parts.
 * @throws {RainError} Naming the first bad reference.
 */
export function buildSubmit(
  s: SessionState,
  taskSpecs: TaskSpec[],
  objectDefs: SubmitObject[],
  maxCpus: number,
  contents: ContentIndex,
  hits: ReadonlySet<string>,
): Submitted {
  const bad = (msg: string) => new RainError(`Invalid submit to session ${s.id}: ${msg}`, "SUBMIT");
  const newObjects = new Map<number, ObjectNode>();
  const objects: ObjectNode[] = [];
  for (const def of objectDefs) {
    const spec = def.spec;
    const n = spec.id[1];
    if (s.objects.has(n) || newObjects.has(n) || s.archive.hasObject(n)) {
      throw bad(`object ${formatId(spec.id)} is submitted twice`);
    }
    if (spec.contentType !== "") {
      try {
        checkContentType(spec.contentType);
      } catch (e) {
        throw bad(`object ${formatId(spec.id)}: ${(e as Error).message}`);
      }
    }
    const o: ObjectNode = {
      spec,
      session: s,
      state: "waiting",
      producer: null,
      consumers: 0,
      consumerTasks: EMPTY,
      unarchived: 0,
      dependents: EMPTY,
      keep: def.keep,
      locations: EMPTY,
      data: def.data ?? null,
      info: null,
      waiters: null,
      heldForParts: false,
      content: null,
    };
    if (!def.data && def.hash !== undefined) {
      const e = contents.get(def.hash, spec.dataType);
      if (!e) {
        throw bad(
          `constant ${formatId(spec.id)} refers to data ${def.hash} that no governor holds`,
        );
      }
      o.content = e;
      if (e.holders.length > 0) {
        const hit = hits.has(`${spec.dataType}:${def.hash}`);
        o.state = "finished";
        o.info = {
          error: "",
          size: e.size,
          contentType: spec.contentType,
          hash: e.hash,
          debug: `Data held by governor ${e.holders[0]!.id}` +
            (hit ? ": it was there already, so it was not sent again" : ""),
          user: NO_USER,
        };
      }
    } else if (def.data) {
      o.state = "finished";
      o.info = {
        error: "",
        size: def.data.length,
        contentType: spec.contentType,
        hash: def.hash ?? "",
        debug: "",
        user: NO_USER,
      };
    }
    newObjects.set(n, o);
    objects.push(o);
  }
  const tasks: TaskNode[] = [];
  const newTasks = new Set<number>();
  for (const spec of taskSpecs) {
    if (s.tasks.has(spec.id[1]) || newTasks.has(spec.id[1]) || s.archive.hasTask(spec.id[1])) {
      throw bad(`task ${formatId(spec.id)} is submitted twice`);
    }
    newTasks.add(spec.id[1]);
    if (maxCpus > 0 && spec.resources.cpus > maxCpus) {
      throw new RainError(
        `Task ${spec.name ? `"${spec.name}" ` : ""}${
          formatId(spec.id)
        } needs ${spec.resources.cpus} cpus ` +
          `but the largest governor has ${maxCpus}`,
        "RESOURCES",
      );
    }
    const inputs = new Array<ObjectNode>(spec.inputs.length);
    for (let k = 0; k < inputs.length; k++) {
      const input = spec.inputs[k]!;
      const n = input.id[1];
      const fresh = newObjects.get(n);
      const o = fresh ?? s.objects.get(n);
      if (!o) {
        throw bad(
          s.archive.hasObject(n)
            ? `input object ${formatId(input.id)} of task ${
              formatId(spec.id)
            } is from an earlier submit and not kept`
            : `input object ${formatId(input.id)} is unknown`,
        );
      }
      // A constant of an earlier submit is usable kept or not: the server holds its data, or
      // its uploaded data is still bound on a governor.
      const constant = !o.producer && (o.data !== null || o.locations.length > 0);
      if (!fresh && !o.heldForParts && !constant && (!o.keep || o.state === "removed")) {
        throw bad(
          `input object ${formatId(input.id)} of task ${
            formatId(spec.id)
          } is from an earlier submit and not kept`,
        );
      }
      // Producers come before their consumers in a submit, which also rules out cycles.
      if (fresh && !o.data && !o.producer && !o.content) {
        throw bad(
          `input object ${formatId(input.id)} of task ${
            formatId(spec.id)
          } is made by a later task (a cycle?)`,
        );
      }
      input.id = o.spec.id; // shared, so the decoded duplicate dies young
      inputs[k] = o;
    }
    const outputs = new Array<ObjectNode>(spec.outputs.length);
    for (let k = 0; k < outputs.length; k++) {
      const oid = spec.outputs[k]!;
      const o = newObjects.get(oid[1]);
      if (!o) {
        throw bad(
          `output object ${formatId(oid)} of task ${formatId(spec.id)} is not in this submit`,
        );
      }
      if (o.producer || o.data || o.content) {
        throw bad(`object ${formatId(oid)} has two producers`);
      }
      spec.outputs[k] = o.spec.id;
      outputs[k] = o;
    }
    const t: TaskNode = {
      spec,
      session: s,
      state: "waiting",
      waitingFor: 0,
      inputs,
      outputs,
      governor: null,
      info: null,
      waiters: null,
      retries: 0,
    };
    for (const o of outputs) o.producer = t;
    tasks.push(t);
  }
  for (const o of objects) {
    if (!o.producer && !o.data && !o.content) {
      throw bad(`object ${formatId(o.spec.id)} has no data and no producer`);
    }
  }
  return { tasks, objects };
}
