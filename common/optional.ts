/**
 * Packages that only some content types need, imported on first use:
 * `apache-arrow` (8 MB; content type `"arrow"`, an optional peer dependency
 * of the npm package) and `@msgpack/msgpack` (content type `"msgpack"`).
 * Processes that never meet those content types never import them, and the
 * library works without `apache-arrow` installed.
 *
 * Encoding and decoding stay synchronous (`load()`, `blob()`): the package
 * is imported at the last asynchronous step before it is needed
 * ({@linkcode ensureCodecsFor}: a client's `fetch()` and submit, an executor
 * before and after the function).
 *
 * @module
 */

/** A package imported on first use. */
export class OptionalModule<T> {
  /** The npm package's name. */
  readonly name: string;
  /** The content type that needs it. */
  readonly contentType: string;
  readonly #import: () => Promise<T>;
  #module: T | null = null;
  #loading: Promise<T> | null = null;

  /**
   * @param name The npm package.
   * @param contentType The content type that needs it.
   * @param importer Imports it.
   */
  constructor(name: string, contentType: string, importer: () => Promise<T>) {
    this.name = name;
    this.contentType = contentType;
    this.#import = importer;
  }

  /** Whether the package is imported. */
  get loaded(): boolean {
    return this.#module !== null;
  }

  /**
   * Imports the package (once).
   *
   * @returns The package's module.
   * @throws {Error} Naming the package when it cannot be imported (not installed).
   */
  async load(): Promise<T> {
    if (this.#module) return this.#module;
    this.#loading ??= this.#import();
    try {
      return this.#module = await this.#loading;
    } catch (e) {
      this.#loading = null;
      throw new Error(
        `Cannot use content type "${this.contentType}": the package "${this.name}" cannot be ` +
          `imported; install it (npm install ${this.name}): ${(e as Error).message ?? e}`,
        { cause: e },
      );
    }
  }

  /**
   * The package's module, once imported.
   *
   * @returns The module.
   * @throws {Error} When it is not imported yet.
   */
  get(): T {
    if (this.#module) return this.#module;
    throw new Error(
      `Cannot use content type "${this.contentType}" yet: "${this.name}" is imported on first ` +
        `use; await ensureCodecsFor("${this.contentType}") first`,
    );
  }
}

/** `apache-arrow`, for content type `"arrow"` (Arrow IPC bytes ↔ `Table`). */
export const arrow: OptionalModule<typeof import("npm:apache-arrow@^21.2.0")> = new OptionalModule(
  "apache-arrow",
  "arrow",
  () => import("npm:apache-arrow@^21.2.0"),
);

/** `@msgpack/msgpack`, for content type `"msgpack"`. */
export const msgpack: OptionalModule<typeof import("npm:@msgpack/msgpack@^3.1.3")> =
  new OptionalModule("@msgpack/msgpack", "msgpack", () => import("npm:@msgpack/msgpack@^3.1.3"));

/**
 * Imports what encoding or decoding the given content types needs.
 *
 * @param contentTypes Content types about to be encoded or decoded (any others are ignored).
 * @returns Resolves once encoding and decoding them is synchronous.
 * @throws {Error} Naming the package when it cannot be imported.
 */
export async function ensureCodecsFor(...contentTypes: string[]): Promise<void> {
  for (const m of [arrow, msgpack]) {
    if (!m.loaded && contentTypes.includes(m.contentType)) await m.load();
  }
}
