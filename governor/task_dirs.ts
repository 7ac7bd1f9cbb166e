/**
 * Working directories of `execute` tasks. Making and removing a directory
 * costs about as much as spawning a small program on this kind of machine,
 * so each governor keeps a few slot directories and hands one, empty, to
 * each running task; after the task it is emptied again (checked with one
 * cheap `readdir`), and every slot is removed with the work dir.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { removeTree } from "./fs_util.ts";
import { join } from "node:path";

/** The slot directories of one governor. */
export class TaskDirs {
  readonly #root: string;
  readonly #free: string[] = [];
  #made = 0;

  /**
   * @param root The directory holding the slots (the store's tasks dir).
   */
  constructor(root: string) {
    this.#root = root;
  }

  /**
   * An empty directory for one task.
   *
   * @returns Its path.
   */
  async acquire(): Promise<string> {
    const dir = this.#free.pop();
    if (dir) return dir;
    const made = join(this.#root, `slot-${this.#made++}`);
    await mkdir(made, { recursive: true });
    return made;
  }

  /**
   * Empties a task's directory and takes it back.
   *
   * @param dir A directory from {@linkcode TaskDirs.acquire}.
   */
  async release(dir: string): Promise<void> {
    if (readdirSync(dir).length > 0) {
      await removeTree(dir);
      await mkdir(dir);
    }
    this.#free.push(dir);
  }
}
