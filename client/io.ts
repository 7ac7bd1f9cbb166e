/**
 * `Input`, `InputDir`, `Output` and `OutputDir`: how data objects are mapped
 * into and out of programs (`tasks.execute`, `program`) and how the
 * parameters and results of remote functions are configured.
 *
 * @module
 */
import type { DataType } from "../common/attributes.ts";
import { checkContentType, type Encoding, isSubtype } from "../common/content_type.ts";
import { checkRelativePath, isDirPath } from "../common/paths.ts";
import { type DataLike, toObject } from "./factory.ts";
import type { DataObject } from "./data_object.ts";

/** Options of {@linkcode Output} and {@linkcode OutputDir}. */
export interface OutputOptions {
  /** Relative path of the file in the program's working directory. @default {the label} */
  path?: string;
  /** Declared content type of the output object. @default {""} */
  contentType?: string;
  /** Encode a remote function's result; also sets the content type. */
  encode?: Encoding;
  /** Expected size in bytes, a hint for the scheduler. */
  sizeHint?: number;
}

/** Options of {@linkcode OutputDir}. */
export interface OutputDirOptions {
  /** Relative path of the directory in the program's working directory. @default {the label} */
  path?: string;
}

/** Options of {@linkcode Input} and {@linkcode InputDir}. */
export interface InputOptions {
  /** Relative path of the file in the program's working directory. @default {the label} */
  path?: string;
  /** The data object to map (for `execute`; a `program` binds it at call time). */
  dataobj?: DataLike;
  /** Map a writable private copy instead of a read-only link. @default {false} */
  write?: boolean;
  /** The content type the input must have. */
  contentType?: string;
  /** For remote functions: pass the loaded value instead of the `DataInstance`. @default {false} */
  load?: boolean;
}

function checkLabel(label: unknown, what: string): string | undefined {
  if (label === undefined) return undefined;
  if (typeof label !== "string" || label === "") {
    throw new TypeError(`${what} label must be a non-empty string, got ${JSON.stringify(label)}`);
  }
  return label;
}

/** Splits the `(label?, options?)` or `(options)` constructor arguments. */
function splitArgs<O extends object>(
  labelOrOptions: string | O | undefined,
  options: O | undefined,
  what: string,
): { label: string | undefined; options: O } {
  if (typeof labelOrOptions === "object" && labelOrOptions !== null) {
    if (options !== undefined) {
      throw new TypeError(`${what} takes (label, options) or (options), not both objects`);
    }
    return { label: undefined, options: labelOrOptions };
  }
  const opts = options ?? ({} as O);
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(`${what} options must be an object`);
  }
  return { label: checkLabel(labelOrOptions, what), options: opts };
}

/**
 * Checks a path of an input or output; a path ending in `/` is only allowed
 * for directories (the `/` is dropped).
 */
function checkPath(path: string, what: string, dataType: DataType): string {
  const normal = checkRelativePath(path, what);
  if (!isDirPath(normal)) return normal;
  if (dataType === "blob") {
    throw new TypeError(
      `${what.charAt(0).toUpperCase()}${what.slice(1)} ${
        JSON.stringify(path)
      } ends with "/": use a dir class for a directory`,
    );
  }
  return normal.slice(0, -1);
}

/**
 * The paths of an input or output: the given one (normalised), and the one
 * in the working directory (the given one, else the label).
 */
function mappedPaths(
  given: string | undefined,
  label: string | undefined,
  what: string,
  dataType: DataType,
): { explicit: string | undefined; path: string | undefined } {
  const explicit = given === undefined ? undefined : checkPath(given, what, dataType);
  return {
    explicit,
    path: explicit ?? (label === undefined ? undefined : checkPath(label, what, dataType)),
  };
}

/**
 * An output of a program or a remote function: its label, the file it comes
 * from, and its content type.
 *
 * @example Outputs of `tasks.execute`
 * ```ts ignore
 * tasks.execute("wget https://example.org/", { outputPaths: [new Output("index", { path: "index.html" })] });
 * tasks.execute(["prog", "--output-file", new Output("log")]);
 * remote(fn, { outputs: [new Output({ contentType: "json" })] });
 * ```
 */
export class Output {
  /** The label; `undefined` when unlabelled (then labelled by its index). */
  readonly label: string | undefined;
  /** Declared content type (`undefined` when not given). */
  readonly contentType: string | undefined;
  /** The encoding of a remote function's result. */
  readonly encode: Encoding | undefined;
  /** Expected size in bytes. */
  readonly sizeHint: number | undefined;
  readonly #explicitPath: string | undefined;
  readonly #path: string | undefined;

  /**
   * Describes an output (its label, path and content type).
   *
   * @param label The label, or the options of an unlabelled output.
   * @param options Path, content type, encoding and size hint.
   * @throws {TypeError} For a bad label, path (absolute, leaving the working
   *   directory), content type, or conflicting `encode` and `contentType`.
   */
  constructor(label?: string | OutputOptions, options?: OutputOptions) {
    const what = this.dataType === "dir" ? "OutputDir" : "Output";
    const split = splitArgs(label, options, what);
    const o = split.options;
    this.label = split.label;
    if (o.contentType !== undefined) checkContentType(o.contentType);
    if (o.encode !== undefined) {
      if (!["json", "cbor", "msgpack", "text"].includes(o.encode)) {
        throw new TypeError(`Unknown encoding "${o.encode}"`);
      }
      if (o.contentType !== undefined && o.contentType !== "" && o.contentType !== o.encode) {
        throw new TypeError(
          `Conflicting options: encode "${o.encode}" and contentType "${o.contentType}"`,
        );
      }
    }
    if (o.sizeHint !== undefined && (typeof o.sizeHint !== "number" || !(o.sizeHint >= 0))) {
      throw new TypeError(`Output sizeHint must be a non-negative number, got ${o.sizeHint}`);
    }
    this.contentType = o.encode ?? o.contentType;
    this.encode = o.encode;
    this.sizeHint = o.sizeHint;
    const paths = mappedPaths(o.path, this.label, "output path", this.dataType);
    this.#explicitPath = paths.explicit;
    this.#path = paths.path;
  }

  /** `"blob"` for `Output`, `"dir"` for `OutputDir`. */
  get dataType(): DataType {
    return "blob";
  }

  /** The path given in the options, normalised (`undefined` when not given). */
  get explicitPath(): string | undefined {
    return this.#explicitPath;
  }

  /** The path in the working directory: the given one, else the label (`undefined` when neither). */
  get path(): string | undefined {
    return this.#path;
  }
}

/**
 * A directory output of a program (e.g. a cloned repository).
 *
 * @example A directory made by a program
 * ```ts ignore
 * tasks.execute("git clone https://example.org/repo", { outputPaths: [new OutputDir("repo")] });
 * ```
 */
export class OutputDir extends Output {
  /**
   * Describes a directory output (its label and path).
   *
   * @param label The label, or the options of an unlabelled output.
   * @param options The path.
   * @throws {TypeError} For a bad label or path.
   */
  constructor(label?: string | OutputDirOptions, options?: OutputDirOptions) {
    const o = (typeof label === "object" ? label : options) ?? {};
    for (const key of ["contentType", "encode", "sizeHint"]) {
      if (key in o) throw new TypeError(`OutputDir does not take the option "${key}"`);
    }
    super(label, options);
  }

  /** Always `"dir"`. */
  override get dataType(): DataType {
    return "dir";
  }
}

/**
 * An input of a program or a remote function: its label, the file it is
 * mapped to, and (for `execute`) the data object.
 *
 * @example Inputs of `tasks.execute`, `program` and `remote`
 * ```ts ignore
 * tasks.execute(["a-program", new Input("my_label", { path: "myfile", dataobj: myData })]);
 * program(["grep", "rain", new Input("my_input", { path: "my_file" })], { stdout: true });
 * remote(fn, { inputs: { data: new Input({ load: true, contentType: "json" }) } });
 * ```
 */
export class Input {
  /** The label; `undefined` when unlabelled (see `execute` for the defaults). */
  readonly label: string | undefined;
  /** The data object, if bound. */
  readonly dataobj: DataObject | undefined;
  /** Map a writable copy instead of a read-only link. */
  readonly write: boolean;
  /** The content type the input must have. */
  readonly contentType: string | undefined;
  /** For remote functions: pass the loaded value. */
  readonly load: boolean;
  readonly #explicitPath: string | undefined;
  readonly #path: string | undefined;

  /**
   * Describes an input (its label, path, data object and how it is mapped).
   *
   * @param label The label, or the options of an unlabelled input.
   * @param options Path, data object, write, content type and load.
   * @throws {TypeError} For a bad label, path or content type, or a data
   *   object of the wrong data type (a dir for `Input`, a blob for `InputDir`).
   */
  constructor(label?: string | InputOptions, options?: InputOptions) {
    const what = this.dataType === "dir" ? "InputDir" : "Input";
    const split = splitArgs(label, options, what);
    const o = split.options;
    this.label = split.label;
    if (o.contentType !== undefined) checkContentType(o.contentType);
    if (o.write !== undefined && typeof o.write !== "boolean") {
      throw new TypeError(`${what} write must be a boolean`);
    }
    if (o.load !== undefined && typeof o.load !== "boolean") {
      throw new TypeError(`${what} load must be a boolean`);
    }
    const paths = mappedPaths(o.path, this.label, "input path", this.dataType);
    this.#explicitPath = paths.explicit;
    this.#path = paths.path;
    this.write = o.write ?? false;
    this.contentType = o.contentType;
    this.load = o.load ?? false;
    this.dataobj = o.dataobj === undefined ? undefined : this.#checkObject(o.dataobj);
  }

  /** `"blob"` for `Input`, `"dir"` for `InputDir`. */
  get dataType(): DataType {
    return "blob";
  }

  /** The path given in the options, normalised (`undefined` when not given). */
  get explicitPath(): string | undefined {
    return this.#explicitPath;
  }

  /** The path in the working directory: the given one, else the label (`undefined` when neither). */
  get path(): string | undefined {
    return this.#path;
  }

  /**
   * A copy of this input bound to a data object (as `program` does at call time).
   *
   * @param dataobj The data object or one-output task.
   * @param label The label to give the copy. @default {this input's label}
   * @returns The bound copy.
   * @throws {TypeError} When the object has the wrong data type.
   */
  withData(dataobj: DataLike, label: string | undefined = this.label): Input {
    const Class = this.constructor as typeof Input;
    return new Class(label, {
      ...(this.#explicitPath === undefined ? {} : { path: this.#explicitPath }),
      dataobj,
      write: this.write,
      ...(this.contentType === undefined ? {} : { contentType: this.contentType }),
      load: this.load,
    });
  }

  #checkObject(value: DataLike): DataObject {
    const what = `${this.dataType === "dir" ? "InputDir" : "Input"} ${
      this.label ? `"${this.label}"` : "(unlabelled)"
    }`;
    const object = toObject(value, what, this.dataType);
    const ct = object.spec.contentType;
    if (this.contentType !== undefined && ct !== "" && !isSubtype(ct, this.contentType)) {
      throw new TypeError(
        `${what} needs content type "${this.contentType}", but ${object.description} has "${ct}"`,
      );
    }
    return object;
  }
}

/**
 * A directory input of a program: a dir object mapped as a directory.
 *
 * @example Map a dir object
 * ```ts ignore
 * tasks.execute(["ls", new InputDir("src", { dataobj: directory("./src") })], { stdout: true });
 * ```
 */
export class InputDir extends Input {
  /** Always `"dir"`. */
  override get dataType(): DataType {
    return "dir";
  }
}
