/**
 * The web chat in a real browser: Debian's Chromium, driven by playwright-core, against `createServer`
 * listening on 127.0.0.1 with the local key a fresh data dir generates (as `cutroom serve` prints it).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrowserHarness, type BrowserHarness } from "./browser-harness.js";
import type { Harness } from "./harness.js";
const OUTPUT = fileURLToPath(new URL("./output/", import.meta.url));

describe("web chat in Chromium", () => {
  let setup: BrowserHarness;
  let harness: Harness;
  let browser: BrowserContext;
  let base: string;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    setup = await startBrowserHarness();
    ({ harness, browser, base } = setup);
  });

  afterAll(async () => setup?.close());

  it("generates, plays, accepts, and shows the take accepted in the Brain panel", async () => {
    const key = harness.server.keys.localKey?.key;
    expect(key).toMatch(/^cr_/);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });

    // A wrong key keeps the sign-in form up with the reason.
    await page.goto(`${base}/`);
    await page.getByLabel("API key").fill("not-the-key-0123456789");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#sign-in-error").textContent()).toMatch(/not valid/);
    problems.length = 0;

    await page.goto(`${base}/#key=${key}`);
    await page.waitForSelector("#workspace:not([hidden])");
    expect(page.url()).not.toContain(key!);
    await page.getByLabel("Message").fill("generate Sarah walking in the park");
    await page.getByRole("button", { name: "Send" }).click();

    // Progress rows appear per step while the department works.
    await page.waitForSelector("#steps li[data-step]", { timeout: 60_000 });
    const video = page.locator(".take video").first();
    await video.waitFor({ timeout: 120_000 });
    const duration = await video.evaluate(
      (element: {
        readyState: number;
        duration: number;
        addEventListener: (name: string, listener: () => void, options: { once: boolean }) => void;
      }) =>
        new Promise<number>((resolve, reject) => {
          if (element.readyState >= 1) return resolve(element.duration);
          element.addEventListener("loadedmetadata", () => resolve(element.duration), { once: true });
          element.addEventListener("error", () => reject(new Error("the video did not load")), { once: true });
        }),
    );
    expect(duration).toBeGreaterThan(1.5);
    expect(duration).toBeLessThan(2.5);
    const takeId = await page.locator(".take").first().getAttribute("data-video-id");
    expect(takeId).toMatch(/^vid_/);
    await expect.poll(() => page.locator(".take .checks tbody tr").count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator(`#brain [data-take="${takeId}"] .badge`).textContent()).toBe("pending");

    await page.getByRole("button", { name: "Accept" }).click();
    const accepted = page.locator(`#brain [data-take="${takeId}"] .badge.accepted`);
    await accepted.waitFor({ timeout: 60_000 });
    expect(await accepted.textContent()).toBe("accepted");
    expect(await page.locator(".take .take-status .badge").textContent()).toBe("accepted");
    expect(await page.locator(".message.department").count()).toBe(2);
    await page.screenshot({ path: join(OUTPUT, "web-chat-accepted.png"), fullPage: true });

    // Reloading the thread's address restores it from the server.
    await page.reload();
    await page.waitForSelector(`#brain [data-take="${takeId}"] .badge.accepted`);
    expect(await page.locator(".message").count()).toBe(4);
    expect(problems).toEqual([]);
  });
});
