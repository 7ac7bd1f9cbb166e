/**
 * The events of the server's graph nodes, built from the nodes themselves,
 * so that each hook in the coordinator, scheduler, recovery and governor
 * links is one short call: `events.emit(taskFinished(t, g, info))`.
 *
 * @module
 */
import type { TaskInfo, TaskSpec } from "../../common/attributes.ts";
import type { SubmitObject } from "../../protocol/client.ts";
import type { GovernorLink } from "../governor_link.ts";
import type { ObjectNode, SessionState, TaskNode } from "../model.ts";
import type { EventOf, SubmittedObject } from "./event_map.ts";

/**
 * `session:submitted` for a submit (or one of its parts).
 *
 * @param s The session.
 * @param tasks The submitted task specs.
 * @param objects The submitted objects.
 * @returns The event.
 */
export function sessionSubmitted(
  s: SessionState,
  tasks: TaskSpec[],
  objects: readonly SubmitObject[],
): EventOf<"session:submitted"> {
  // Specs and sizes, never the constants' data: the event log would keep it alive.
  const submitted = new Array<SubmittedObject>(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const { spec, keep, data } = objects[i]!;
    submitted[i] = data ? { spec, keep, size: data.length } : { spec, keep };
  }
  return { type: "session:submitted", session: s.id, tasks, objects: submitted };
}

/**
 * `task:ready` for a task whose inputs are all finished.
 *
 * @param t The task.
 * @returns The event.
 */
export function taskReady(t: TaskNode): EventOf<"task:ready"> {
  return { type: "task:ready", session: t.session.id, task: t.spec.id[1] };
}

/**
 * `task:assigned` for a task sent to a governor.
 *
 * @param t The task.
 * @param g The governor.
 * @returns The event.
 */
export function taskAssigned(t: TaskNode, g: GovernorLink): EventOf<"task:assigned"> {
  return { type: "task:assigned", session: t.session.id, task: t.spec.id[1], governor: g.id };
}

/**
 * `task:started` for a task a governor started.
 *
 * @param t The task.
 * @param g The governor.
 * @param start When it started (epoch ms).
 * @returns The event.
 */
export function taskStarted(t: TaskNode, g: GovernorLink, start: number): EventOf<"task:started"> {
  return { type: "task:started", session: t.session.id, task: t.spec.id[1], governor: g.id, start };
}

/**
 * `task:finished` for a task that finished.
 *
 * @param t The task.
 * @param g The governor that ran it.
 * @param info Its info.
 * @returns The event.
 */
export function taskFinished(
  t: TaskNode,
  g: GovernorLink,
  info: TaskInfo,
): EventOf<"task:finished"> {
  return { type: "task:finished", ...ranOn(t, g, info), debug: info.debug, user: info.user };
}

/**
 * `task:failed` for a task that failed.
 *
 * @param t The task.
 * @param g The governor that ran it.
 * @param info Its info, with the error.
 * @returns The event.
 */
export function taskFailed(t: TaskNode, g: GovernorLink, info: TaskInfo): EventOf<"task:failed"> {
  return { type: "task:failed", ...ranOn(t, g, info), error: info.error, debug: info.debug };
}

/** What `task:finished` and `task:failed` say of the run: the task, where and when it ran. */
function ranOn(t: TaskNode, g: GovernorLink, info: TaskInfo) {
  return {
    session: t.session.id,
    task: t.spec.id[1],
    governor: g.id,
    start: info.startTime,
    duration: info.duration,
  };
}

/**
 * `task:requeued` for a task put back to run again.
 *
 * @param t The task.
 * @param reason Why.
 * @returns The event.
 */
export function taskRequeued(t: TaskNode, reason: string): EventOf<"task:requeued"> {
  return { type: "task:requeued", session: t.session.id, task: t.spec.id[1], reason };
}

/**
 * `object:stored` for an object a governor now holds.
 *
 * @param o The object.
 * @param g The governor.
 * @param size Its size.
 * @returns The event.
 */
export function objectStored(
  o: ObjectNode,
  g: GovernorLink,
  size: number,
): EventOf<"object:stored"> {
  const contentType = o.info?.contentType ?? o.spec.contentType;
  const [session, object] = o.spec.id;
  return { type: "object:stored", session, object, governor: g.id, size, contentType };
}

/**
 * `object:freed` for an object a governor dropped.
 *
 * @param o The object.
 * @param g The governor.
 * @param size Its size.
 * @returns The event.
 */
export function objectFreed(o: ObjectNode, g: GovernorLink, size: number): EventOf<"object:freed"> {
  return {
    type: "object:freed",
    session: o.spec.id[0],
    object: o.spec.id[1],
    governor: g.id,
    size,
  };
}

/**
 * `object:transferred` for an object a governor fetches from another.
 *
 * @param o The object.
 * @param from The holder's id.
 * @param to The governor fetching it.
 * @returns The event.
 */
export function objectTransferred(
  o: ObjectNode,
  from: string,
  to: GovernorLink,
): EventOf<"object:transferred"> {
  const [session, object] = o.spec.id;
  return { type: "object:transferred", session, object, from, to: to.id, size: o.info?.size ?? 0 };
}
