/**
 * File-system roots of a governor (`rain governor --fs-root DIR`): where the
 * `load`, `loadDir` and `store` tasks may act. Without roots they act
 * anywhere the governor's user may. Paths are resolved through symlinks
 * before the check, so a link inside a root cannot lead outside it.
 *
 * The roots do not bind programs (`tasks.execute`) or remote functions,
 * which run with the governor user's rights: isolate those with the OS
 * (users, containers).
 *
 * @module
 */
import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** The directories file tasks may use, resolved; `null` means anywhere. */
export class FsRoots {
  /** The roots' real paths, or `null` for no restriction. */
  readonly dirs: readonly string[] | null;

  private constructor(dirs: readonly string[] | null) {
    this.dirs = dirs;
  }

  /** No restriction. */
  static readonly ANYWHERE: FsRoots = new FsRoots(null);

  /**
   * Resolves the roots (each must be an existing directory).
   *
   * @param dirs The roots as given.
   * @returns The roots.
   * @throws {Error} Naming a root that does not exist.
   */
  static async of(dirs: readonly string[]): Promise<FsRoots> {
    const real: string[] = [];
    for (const d of dirs) {
      try {
        real.push(await realpath(resolve(d)));
      } catch (e) {
        throw new Error(`Cannot use "${d}" as file-system root: ${(e as Error).message}`);
      }
    }
    return new FsRoots(real);
  }

  /**
   * Resolves a task's path and checks that it is inside a root: an existing
   * path through all its symlinks, a path still to be created through those
   * of its deepest existing ancestor.
   *
   * @param path An absolute path from a task's config.
   * @returns The resolved path, which the task then uses (so a symlink
   *   swapped in later cannot redirect it).
   * @throws {Error} `outside the governor's file-system roots (...)`, or a
   *   file-system error resolving the path; the task adds what it was doing.
   */
  async check(path: string): Promise<string> {
    if (this.dirs === null) return path;
    const real = await resolveReal(path);
    const inside = this.dirs.some((root) => {
      const rel = relative(root, real);
      return rel === "" || !(rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
    });
    if (!inside) {
      const via = real !== path ? `it resolves to "${real}", ` : "";
      throw new Error(`${via}outside the governor's file-system roots (${this.dirs.join(", ")})`);
    }
    return real;
  }
}

/** The real path of `path`, or of its deepest existing ancestor joined with the rest. */
async function resolveReal(path: string): Promise<string> {
  const rest: string[] = [];
  let p = resolve(path);
  while (true) {
    try {
      return join(await realpath(p), ...rest.reverse());
    } catch (e) {
      const code = (e as { code?: string }).code;
      if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(p) === p) throw e;
      rest.push(basename(p));
      p = dirname(p);
    }
  }
}
