/**
 * Waiters: requests (`wait`, `waitAll`, `fetch`) that the server answers
 * once tasks and objects of a session finish, or that fail with the
 * session. Each task and object lists its waiters, each waiter counts what
 * it still waits for, so finishing an item costs only its own waiters.
 *
 * @module
 */
import type { ObjectNode, SessionState, TaskNode, Waiter } from "./model.ts";

function addWaiter(list: Waiter[] | null, w: Waiter): Waiter[] {
  if (list === null) return [w];
  list.push(w);
  return list;
}

/**
 * Registers a waiter for tasks and objects of a session; answers at once
 * when they are all finished.
 *
 * @param s The session.
 * @param tasks Tasks to wait for.
 * @param objects Objects to wait for.
 * @param w The waiter (its `remaining` is set here).
 */
export function wait(s: SessionState, tasks: TaskNode[], objects: ObjectNode[], w: Waiter): void {
  w.remaining = 0;
  for (const t of tasks) {
    if (t.state !== "finished") {
      w.remaining++;
      t.waiters = addWaiter(t.waiters, w);
    }
  }
  for (const o of objects) {
    if (o.state === "waiting") {
      w.remaining++;
      o.waiters = addWaiter(o.waiters, w);
    }
  }
  if (w.remaining === 0) return w.done();
  s.waiters.add(w);
}

/**
 * Registers a waiter for every task of a session.
 *
 * @param s The session.
 * @param w The waiter.
 */
export function waitAll(s: SessionState, w: Waiter): void {
  if (s.unfinished === 0) return w.done();
  w.remaining = 1;
  s.allWaiters.push(w);
  s.waiters.add(w);
}

/**
 * Counts one finished item for each of its waiters, answering those done.
 *
 * @param s The session owning the waiters.
 * @param list The waiters of the item that finished.
 */
export function notifyWaiters(s: SessionState, list: Waiter[] | null): void {
  if (list === null) return;
  for (const w of list) {
    if (--w.remaining === 0) {
      s.waiters.delete(w);
      w.done();
    }
  }
}

/**
 * Answers the `waitAll` waiters of a session whose tasks all finished.
 *
 * @param s The session.
 */
export function notifyAllDone(s: SessionState): void {
  for (const w of s.allWaiters) {
    s.waiters.delete(w);
    w.done();
  }
  s.allWaiters = [];
}

/**
 * Fails every waiter of a session (it failed or closed).
 *
 * @param s The session.
 * @param message The error.
 * @param code Its code.
 */
export function failWaiters(s: SessionState, message: string, code: string): void {
  for (const w of s.waiters) w.fail(message, code);
  s.waiters.clear();
  s.allWaiters = [];
}
