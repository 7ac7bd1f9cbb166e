/**
 * What every `rain` command shares: its option table, strict parsing with
 * every value checked before the command starts anything, and the `--help`
 * text made from the same table.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Lifecycle } from "./lifecycle.ts";

/** A wrong command line: printed with a hint at `--help`, exit code 2. */
export class UsageError extends Error {
  /** Stable error code. */
  readonly code = "USAGE";
  /** The command whose command line is wrong, once known. */
  command: string | undefined;
  /**
   * @param message What is wrong with the command line.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One option of a command: its help line and how its value is checked. */
export interface OptionSpec<T> {
  /** `boolean` options take no value. */
  kind: "string" | "boolean";
  /** The value's name in the help (`N`, `HOST:PORT`); empty for booleans. */
  value: string;
  /** The option may be given several times; its value is the list of checked values. */
  multiple?: boolean;
  /** One line of help. */
  help: string;
  /**
   * Checks and converts the raw value; throws a `UsageError` naming the
   * option when it is invalid.
   */
  parse(raw: string, flag: string): T;
}

/** A command's options by long name (without `--`). */
export type OptionTable = Record<string, OptionSpec<unknown>>;

/** The checked values of an option table; an option not given is absent. */
export type OptionValues<O extends OptionTable> = {
  [K in keyof O]?: (O[K] extends OptionSpec<infer T> ? T : never) | undefined;
};

/**
 * A boolean option (a flag).
 *
 * @param help Its help line.
 * @returns The option.
 */
export function flag(help: string): OptionSpec<boolean> {
  return { kind: "boolean", value: "", help, parse: () => true };
}

/**
 * An option with a value.
 *
 * @example
 * ```ts ignore
 * const cpus = option("N", "cpus of the governor", positiveInteger);
 * ```
 *
 * @param value The value's name in the help.
 * @param help Its help line.
 * @param parse Checks and converts the value (a non-empty string by default).
 * @returns The option.
 */
export function option(value: string, help: string): OptionSpec<string>;
export function option<T>(
  value: string,
  help: string,
  parse: (raw: string, flag: string) => T,
): OptionSpec<T>;
export function option(
  value: string,
  help: string,
  parse: (raw: string, flag: string) => unknown = nonEmpty,
): OptionSpec<unknown> {
  return { kind: "string", value, help, parse };
}

/**
 * An option that may be given several times (`--fs-root A --fs-root B`);
 * its value is the list of checked values.
 *
 * @param value The value's name in the help.
 * @param help Its help line.
 * @param parse Checks and converts one value.
 * @returns The option.
 */
export function repeatable<T>(
  value: string,
  help: string,
  parse: (raw: string, flag: string) => T,
): OptionSpec<T[]> {
  return {
    kind: "string",
    value,
    help: `${help} (repeatable)`,
    multiple: true,
    parse: (raw, flag) => [parse(raw, flag)],
  };
}

/** What a command gets besides its arguments. */
export interface CommandContext {
  /** Holds what the command starts; stops it on SIGINT/SIGTERM. */
  lifecycle: Lifecycle;
  /** Log sink (stderr, prefixed `rain: `). */
  log(message: string): void;
}

/** The command line of one `rain` command. */
export interface Command<O extends OptionTable = OptionTable> {
  /** The command's name (`rain NAME`). */
  name: string;
  /** One line saying what it does. */
  summary: string;
  /** Its positional arguments, e.g. `["SERVER"]`; a trailing `?` marks optional ones. */
  positionals: string[];
  /** Its options. */
  options: O;
  /** Paragraphs printed after the options in `--help`. */
  notes?: string;
  /**
   * Runs the command with checked options. Resolves once it is done or, for
   * commands that run until SIGINT/SIGTERM, once everything is started (the
   * parts it added to the lifecycle keep running).
   */
  run(values: OptionValues<O>, positionals: string[], context: CommandContext): Promise<void>;
}

/**
 * Declares a command (keeps the option table's types for `run`).
 *
 * @param command The command.
 * @returns The same command.
 */
export function defineCommand<O extends OptionTable>(command: Command<O>): Command<O> {
  return command;
}

/**
 * Parses a command's arguments: unknown options, missing or extra positional
 * arguments and invalid values are `UsageError`s, all found before the
 * command runs.
 *
 * @param command The command.
 * @param args The arguments after the command's name.
 * @returns The checked option values and the positional arguments.
 * @throws {UsageError} When the command line is wrong.
 */
export function parseCommand<O extends OptionTable>(
  command: Command<O>,
  args: string[],
): { values: OptionValues<O>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(command.options).map((
          [name, o],
        ) => [name, { type: o.kind, multiple: o.multiple === true }]),
      ),
    });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e as Error & { code?: string }));
  }
  const required = command.positionals.filter((p) => !p.endsWith("?")).length;
  const { positionals } = parsed;
  if (positionals.length < required) {
    const missing = command.positionals[positionals.length]!;
    throw new UsageError(`missing ${missing}`);
  }
  if (positionals.length > command.positionals.length) {
    const extra = positionals.slice(command.positionals.length).map((a) => `"${a}"`);
    throw new UsageError(`unexpected argument ${extra.join(" ")}`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const spec = command.options[name]!;
    values[name] = spec.kind === "boolean"
      ? raw
      : spec.multiple
      ? (raw as string[]).flatMap((r) => spec.parse(r, `--${name}`) as unknown[])
      : spec.parse(raw as string, `--${name}`);
  }
  return { values: values as OptionValues<O>, positionals };
}

/**
 * The `--help` text of a command.
 *
 * @param command The command.
 * @returns Usage line, summary, options and notes.
 */
export function commandHelp(command: Command): string {
  const args = command.positionals.map((p) => p.endsWith("?") ? `[${p.slice(0, -1)}]` : p);
  const rows = Object.entries(command.options).map(([name, o]) =>
    [`--${name}${o.value ? ` ${o.value}` : ""}`, o.help] as const
  );
  rows.push(["--help", "this help"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: rain ${[command.name, ...args].join(" ")} [options]`,
    "",
    wrap(command.summary, 0),
    "",
    "Options:",
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}${wrap(help, width + 2)}`),
    ...(command.notes ? ["", command.notes] : []),
    "",
  ].join("\n");
}

/** Help lines longer than this are wrapped. */
const HELP_WIDTH = 100;

/** Wraps text at word boundaries for a column starting at `indent`. */
function wrap(text: string, indent: number): string {
  const lines = [""];
  for (const word of text.split(" ")) {
    const line = lines.at(-1)!;
    if (line && indent + line.length + 1 + word.length > HELP_WIDTH) lines.push(word);
    else lines[lines.length - 1] = line ? `${line} ${word}` : word;
  }
  return lines.join(`\n${" ".repeat(indent)}`);
}

/** `node:util`'s parse errors, shorter and in our style. */
function parseArgsMessage(e: Error & { code?: string }): string {
  const name = /'(-[^' ]+)/.exec(e.message)?.[1];
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option "${name}"`;
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (/ambiguous/.test(e.message)) {
      return `${name} needs a value (write ${name}=-X for a value starting with "-")`;
    }
    if (/does not take/.test(e.message)) return `${name} takes no value`;
    return `${name} needs a value`;
  }
  return e.message;
}

function nonEmpty(raw: string, flag: string): string {
  if (raw === "") throw new UsageError(`${flag} needs a value`);
  return raw;
}
