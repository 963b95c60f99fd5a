/**
 * A real server on 127.0.0.1 with the local key a fresh data dir generates (as `cutroom serve` prints
 * it), and Debian's Chromium on a fresh profile, driven by playwright-core: the browser tests' setup.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { startHarness, type Harness } from "./harness.js";

const CHROMIUM = "/usr/bin/chromium";

export interface BrowserHarness {
  harness: Harness;
  browser: BrowserContext;
  /** The server's address, http://127.0.0.1:<port>. */
  base: string;
  close(): Promise<void>;
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const harness = await startHarness({ keys: false });
  const listener: Server = harness.server.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => listener.once("listening", resolve));
  const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  const profile = await mkdtemp(join(tmpdir(), "cutroom-chromium-"));
  // A persistent context on a fresh, empty profile dir is playwright's form of --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    harness,
    browser,
    base,
    async close() {
      await browser.close();
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
      await harness.cleanup();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
