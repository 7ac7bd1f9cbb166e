/**
 * Headless Chromium for the dashboard tests, driven by `playwright-core`.
 * The browser is Debian's `chromium` (or `RAIN_CHROMIUM`); `npm test`
 * installs it when it is missing and it can (root with apt-get), and
 * otherwise these tests fail saying how to install it: they are never
 * skipped.
 *
 * @module
 */
import { access, constants, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { type BrowserContext, chromium, type Page } from "npm:playwright-core@^1.65.1";

/** Where the tests save screenshots (ignored by git). */
export const OUTPUT_DIR: string = new URL("../test-output/dashboard/", import.meta.url).pathname;

/** The flags Chromium runs with: headless, as root, with nothing reaching out to the network. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Finds the Chromium binary: `RAIN_CHROMIUM`, else `chromium` (or
 * `chromium-browser`) on the `PATH`.
 *
 * @returns Its path.
 * @throws {Error} Saying how to install it when there is none.
 */
export async function findChromium(): Promise<string> {
  const given = Deno.env.get("RAIN_CHROMIUM");
  if (given) return given;
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const path = join(dir, name);
      try {
        await access(path, constants.X_OK);
        return path;
      } catch {
        // Not here.
      }
    }
  }
  throw new Error(
    "The dashboard tests need Chromium and found none on the PATH: install Debian's package " +
      "(`apt-get update && apt-get install -y chromium`, which `npm test` does itself when run " +
      "as root) or set RAIN_CHROMIUM to a Chromium or Chrome binary",
  );
}

/** A headless browser with a fresh profile, closed and removed at disposal. */
export interface TestBrowser extends AsyncDisposable {
  /** The browser context. */
  context: BrowserContext;
  /** A new page of a given size. */
  page(width?: number, height?: number): Promise<Page>;
}

/**
 * Launches headless Chromium with a fresh user-data dir.
 *
 * @returns The browser, for `await using`.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = await findChromium();
  const profile = await mkdtemp(join(tmpdir(), "rain-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      timeout: 60_000,
    });
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async page(width = 1400, height = 1000) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      page.setDefaultTimeout(20_000);
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      // Script errors fail the test that caused them, at its next check of the page.
      (page as Page & { scriptErrors: string[] }).scriptErrors = errors;
      return page;
    },
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The script errors a page logged so far (uncaught errors, `console.error`).
 *
 * @param page A page of {@linkcode launchBrowser}.
 * @returns The messages.
 */
export function scriptErrors(page: Page): string[] {
  return (page as Page & { scriptErrors?: string[] }).scriptErrors ?? [];
}

/**
 * Saves a full-page screenshot under {@linkcode OUTPUT_DIR}.
 *
 * @param page The page.
 * @param name File name without extension.
 * @returns The PNG's path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
