/**
 * The process-wide stack of active sessions and the default session. Tasks
 * and objects are created in the session on top of the stack, or in the
 * default session when the stack is empty.
 *
 * @module
 */
import type { Session } from "./session.ts";

const stack: Session[] = [];
let fallback: Session | null = null;

/**
 * Pushes a session on the stack.
 *
 * @param s The session.
 */
export function pushSession(s: Session): void {
  stack.push(s);
}

/**
 * Removes the topmost entry of a session from the stack.
 *
 * @param s The session.
 */
export function popSession(s: Session): void {
  const i = stack.lastIndexOf(s);
  if (i >= 0) stack.splice(i, 1);
}

/**
 * Removes every entry of a session, and clears it as default.
 *
 * @param s The closed session.
 */
export function forgetSession(s: Session): void {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i] === s) stack.splice(i, 1);
  if (fallback === s) fallback = null;
}

/**
 * Sets the default session.
 *
 * @param s The session.
 */
export function setDefaultSession(s: Session): void {
  fallback = s;
}

/**
 * The session new tasks and objects go into.
 *
 * @returns The active session.
 * @throws {Error} When no session is active and there is no default one.
 */
export function activeSession(): Session {
  const s = stack[stack.length - 1] ?? fallback;
  if (!s) {
    throw new Error(
      "No active session: create one with client.newSession() (in an `await using` block) " +
        "or client.newSession({ default: true })",
    );
  }
  return s;
}
