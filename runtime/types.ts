/**
 * The runtime seam: everything Rain needs from Deno, Node or Bun that Web
 * standards and `node:` built-in modules do not give on all three.
 *
 * @module
 */
import type { Context, Hono, MiddlewareHandler } from "npm:hono@^4.10.0";

/** One accepted WebSocket connection, as the core sees it. */
export interface WsConnection {
  /** Sends a binary frame. */
  send(data: Uint8Array): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
}

/** Callbacks of one accepted WebSocket connection. */
export interface WsHandler {
  /** The connection is open. */
  onOpen(conn: WsConnection): void;
  /** A frame arrived (binary frames as bytes, text frames as strings). */
  onMessage(conn: WsConnection, data: Uint8Array | string): void;
  /** The connection closed. */
  onClose(conn: WsConnection): void;
}

/** Turns a per-connection handler factory into a Hono route handler. */
export type WsUpgrade = (factory: (c: Context) => WsHandler) => MiddlewareHandler;

/** A server's TLS certificate chain and private key, both PEM. */
export interface ServerTls {
  /** The certificate chain (PEM). */
  cert: string;
  /** The private key (PEM). */
  key: string;
}

/** Options of {@linkcode Runtime.serve}. */
export interface ServeOptions {
  /** Address to bind. */
  hostname: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Serve HTTPS and `wss://` with this certificate; plain HTTP when absent. */
  tls?: ServerTls | undefined;
  /** Adds routes to the app; `ws` makes WebSocket routes. */
  build(app: Hono, ws: WsUpgrade): void;
}

/** How a client connects: extra headers and, for `https:`/`wss:` URLs, the trusted CA. */
export interface ConnectOptions {
  /** Request headers (e.g. `authorization`). */
  headers?: Record<string, string> | undefined;
  /**
   * Certificates (PEM) trusted for `https:`/`wss:` URLs instead of the
   * system's CAs.
   */
  ca?: string | undefined;
}

/** A listening HTTP server. */
export interface ListeningServer {
  /** The bound address. */
  hostname: string;
  /** The bound port. */
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** A WebSocket client connection, as the core uses it. */
export interface WsClient {
  /** Sends a binary frame. */
  send(data: Uint8Array): void;
  /** Closes the connection. */
  close(): void;
  /** Resolves once the connection is open; rejects when it fails. */
  opened: Promise<void>;
  /** Set to receive frames. */
  onMessage: (data: Uint8Array) => void;
  /** Set to learn about the connection closing. */
  onClose: (reason: string) => void;
}

/** Options of {@linkcode Runtime.spawn}. */
export interface SpawnOptions {
  /** The program. */
  cmd: string;
  /** Its arguments. */
  args: string[];
  /** Working directory. */
  cwd: string;
  /** A file fed to stdin (stdin is empty otherwise). */
  stdin?: string | undefined;
  /** A file that receives stdout (discarded otherwise). */
  stdout?: string | undefined;
  /** Kills the process (SIGKILL) when aborted. */
  signal?: AbortSignal | undefined;
}

/** How a spawned process ended. */
export interface SpawnResult {
  /** Exit code (non-zero when killed by a signal). */
  code: number;
  /** The signal that killed it, or `null`. */
  signal: string | null;
  /** The tail of its stderr. */
  stderr: Uint8Array;
}

/** Options of {@linkcode Runtime.spawnScript}. */
export interface ScriptOptions {
  /**
   * Absolute path or `file:` URL of a module of this project (TypeScript, or
   * the npm bundle's JavaScript); on Deno also a remote URL (JSR).
   */
  script: string;
  /** Its arguments. */
  args: string[];
  /** Working directory. */
  cwd: string;
  /** Limit of its JavaScript heap in MB (V8's old space; not enforced on Bun). */
  maxHeapMb?: number | undefined;
}

/** A long-lived child process with piped stdin, stdout and stderr. */
export interface PipedProcess {
  /** Its process id. */
  readonly pid: number;
  /** Writes bytes to its stdin (in order; errors after exit are ignored). */
  write(data: Uint8Array): void;
  /** Set to receive its stdout. */
  onStdout: (chunk: Uint8Array) => void;
  /** Set to receive its stderr. */
  onStderr: (chunk: Uint8Array) => void;
  /** Resolves once it exited (`code` non-zero when killed; `signal` names the signal). */
  readonly exited: Promise<{ code: number; signal: string | null }>;
  /** Sends a signal. @default {"SIGKILL"} */
  kill(signal?: "SIGKILL" | "SIGTERM"): void;
}

/** Most stderr bytes kept from a spawned process (its tail). */
export const STDERR_TAIL = 64 * 1024;

/**
 * WebSocket support for a Hono app that the host serves itself (see
 * {@linkcode Runtime.embedWebSocket}).
 */
export interface EmbeddedWebSocket {
  /** Makes the app's WebSocket routes. */
  upgrade: WsUpgrade;
  /** Bun: the `websocket` handlers to pass to `Bun.serve` beside `fetch`. */
  websocket?: unknown | undefined;
  /** Node: hooks the upgrade into the `node:http` server that serves the app. */
  injectWebSocket?: ((server: unknown) => void) | undefined;
}

/** What Rain needs from the JavaScript runtime it runs on. */
export interface Runtime {
  /** Which runtime this is (workerd hosts only the server, see `runtime/workerd.ts`). */
  readonly name: "deno" | "node" | "bun" | "workerd";
  /** Serves a Hono app with WebSocket routes. */
  serve(options: ServeOptions): Promise<ListeningServer>;
  /**
   * WebSocket support for `app` served by the host's own server:
   * `Deno.serve(app.fetch)`, `Bun.serve({ fetch: app.fetch, websocket })`, or
   * `@hono/node-server` followed by `injectWebSocket(server)` on Node.
   */
  embedWebSocket(app: Hono): EmbeddedWebSocket;
  /** Opens a WebSocket client connection (binary frames), `ws:` or `wss:`. */
  connectWebSocket(url: string, options?: ConnectOptions): WsClient;
  /** `GET`s a URL (`http:` or `https:`, trusting `options.ca` when given). */
  httpGet(url: string, options?: ConnectOptions): Promise<Response>;
  /**
   * The address of the peer that sent a request to an app this runtime
   * serves (or the host serves with this runtime's server), e.g.
   * `"127.0.0.1"`; `"unknown"` when the host does not say.
   */
  peerAddress(c: Context): string;
  /**
   * Runs a program to completion. Rejects with an error whose `code` is
   * `"ENOENT"` when the program cannot be found.
   */
  spawn(options: SpawnOptions): Promise<SpawnResult>;
  /**
   * Gets {@linkcode Runtime.spawn} ready ahead of the first program (on Deno
   * it starts the threads that spawn, ~0.1 s each), so a governor's first
   * tasks do not wait for it.
   */
  prepareSpawn(): void;
  /**
   * Starts a module of this project as a child process of the same runtime
   * (Deno: `deno run -A`), talking over piped stdin/stdout.
   */
  spawnScript(options: ScriptOptions): PipedProcess;
  /** A file's bytes as a stream (the file is closed at its end or on cancel). */
  readFileStream(path: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * Writes a stream to a new file (mode 0644); resolves with the bytes
   * written. `onChunk`, when given, sees every chunk before it is written (to
   * hash it on the way); a chunk is only valid during the call.
   */
  writeFileStream(
    path: string,
    stream: ReadableStream<Uint8Array>,
    onChunk?: (chunk: Uint8Array) => void,
  ): Promise<number>;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function removing it. */
  onShutdownSignal(handler: () => void): () => void;
  /** The command-line arguments after the script. */
  args(): string[];
  /**
   * An environment variable, or `undefined` when it is unset or may not be
   * read (Deno without `--allow-env` for it: never a permission prompt).
   */
  env(name: string): string | undefined;
  /**
   * The `host:port` of the peer of a request (`""` when the host that serves
   * the app does not say).
   */
  clientAddress(c: Context): string;
  /** This process's resident memory in bytes. */
  residentMemory(): number;
  /**
   * Runs a full garbage collection now, so that the memory the heap no
   * longer uses goes back to the operating system at once (the server does
   * when it goes idle after a burst of tasks). Absent where the runtime
   * offers no way to (workerd).
   */
  collectGarbage?: (() => void) | undefined;
  /**
   * Runs `callback` in a later turn of the event loop, after pending I/O
   * (`setImmediate` where there is one): for work that may wait a little but
   * should not wait for a timer.
   */
  nextTurn(callback: () => void): void;
  /** Writes text to stderr as it is (no newline added). */
  writeStderr(text: string): void;
  /** Whether stderr is a terminal (so a line can be redrawn in place). */
  stderrIsTerminal(): boolean;
  /** Ends the process. */
  exit(code: number): never;
}
