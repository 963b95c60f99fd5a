/**
 * The page as a studio, in Chromium: signed out it shows only the sign-in; a scene is made, a shot of it
 * regenerated with a note, and after a reload the library lists both takes, every take keeps its player,
 * one downloads as a named attachment, its page shows its plan and provenance, and the two are compared
 * in step. A request the department refuses is answered in the thread with a fix that sends the corrected
 * request; and the page fits 390 px without scrolling sideways. Screenshots go to tests/e2e/output/.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBrowserHarness, type BrowserHarness } from "./browser-harness.js";

const OUTPUT = fileURLToPath(new URL("./output/", import.meta.url));

interface PlayerElement {
  paused: boolean;
  currentTime: number;
  readyState: number;
}

describe("the studio page in Chromium", () => {
  let setup: BrowserHarness;
  let browser: BrowserContext;
  let base: string;
  let key: string;
  const problems: string[] = [];

  async function open(path = "/"): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    // Which address a failed load was: the console names only its status.
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(`${base}${path}`);
    return page;
  }

  /** Every detail line the progress panel shows during the page's turns. */
  async function recordProgress(page: Page): Promise<void> {
    await page.evaluate(() => {
      const seen: string[] = [];
      (globalThis as unknown as { seenProgress: string[] }).seenProgress = seen;
      const target = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
      new (
        globalThis as unknown as {
          MutationObserver: new (callback: () => void) => { observe(node: unknown, options: object): void };
        }
      ).MutationObserver(() => {
        const rows = (target.getElementById("steps") as { textContent: string }).textContent;
        if (rows) seen.push(rows);
      }).observe(target.getElementById("steps"), { subtree: true, childList: true, characterData: true });
    });
  }

  beforeEach(() => {
    problems.length = 0;
  });

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    setup = await startBrowserHarness();
    ({ browser, base } = setup);
    key = setup.harness.server.keys.localKey!.key;
  });

  afterAll(async () => setup?.close());

  it("signed out, shows the sign-in and nothing of the workspace", async () => {
    const page = await open("/");
    await page.waitForSelector("#sign-in:not([hidden])");
    expect(await page.locator("#sign-in").isVisible()).toBe(true);
    expect(await page.locator("#workspace").isVisible()).toBe(false);
    expect(await page.locator("#library").isVisible()).toBe(false);
    expect(
      await page
        .getByLabel("API key")
        .evaluate((node) => node === (node.ownerDocument as unknown as { activeElement: unknown }).activeElement),
    ).toBe(true);
    await page.screenshot({ path: join(OUTPUT, "studio-signed-out.png"), fullPage: true });
    await page.close();
    // Asking who is signed in is how the page learns nobody is: that one 401 is the answer, not a fault.
    const expected = [
      "401 /api/v1/me",
      "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
    ];
    expect(problems.filter((problem) => !expected.includes(problem))).toEqual([]);
  });

  let firstTake = "";
  let secondTake = "";
  let threadUrl = "";

  it("regenerates shot 2 of a scene with a note", async () => {
    const page = await open(`/#key=${key}`);
    await page.waitForSelector("#workspace:not([hidden])");
    await recordProgress(page);
    await page.getByLabel("Message").fill("generate a 15 second video of Sarah walking in the park");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForSelector("#steps .elapsed", { timeout: 60_000 });
    const card = page.locator(".take").first();
    await card.locator("video").waitFor({ timeout: 180_000 });
    firstTake = (await card.getAttribute("data-video-id"))!;
    // The card is titled from the request, as the library lists it.
    await expect.poll(() => card.locator(".take-heading").textContent()).toMatch(/Sarah walking/);
    await card.getByRole("button", { name: "Regenerate…" }).click();
    await card.getByLabel("What should change?").fill("Sarah waves at the camera");
    await card.getByLabel("Shot 2").check({ timeout: 30_000 });
    expect(await card.getByLabel("Shot 1").isChecked()).toBe(false);
    await card.getByRole("button", { name: "Regenerate", exact: true }).click();
    await expect
      .poll(() => page.locator(".message.user").last().textContent())
      .toContain("Regenerate: shot 2: Sarah waves at the camera");
    const second = page.locator(`.take:not([data-video-id="${firstTake}"])`);
    await second.locator("video").waitFor({ timeout: 180_000 });
    secondTake = (await second.getAttribute("data-video-id"))!;
    const seen = await page.evaluate(() => (globalThis as unknown as { seenProgress: string[] }).seenProgress);
    expect(seen.join("\n")).toMatch(/shot\(s\) 2 only, the rest reused/);
    // Elapsed time is shown per step while it works.
    expect(seen.join("\n")).toMatch(/\d+ s/);
    await expect.poll(() => card.locator(".take-status .badge").textContent()).toBe("superseded");
    const details = (await page.evaluate(
      async (path) => (await fetch(path)).json(),
      `/api/v1/projects/default/videos/${secondTake}`,
    )) as {
      metadata: { regeneratedFrom: string };
    };
    expect(details.metadata.regeneratedFrom).toBe(firstTake);
    await second.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => second.locator(".take-status .badge").textContent(), { timeout: 60_000 }).toBe("accepted");
    threadUrl = page.url();
    await page.close();
    expect(problems).toEqual([]);
  });

  it("after a reload lists both takes, keeps their players, downloads one, shows its page and compares them", async () => {
    const page = await open(new URL(threadUrl).pathname + new URL(threadUrl).search);
    await page.waitForSelector(`#library [data-library-take="${secondTake}"]`);
    expect(await page.locator("#library li").count()).toBe(2);
    await expect
      .poll(() => page.locator(`#library [data-library-take="${secondTake}"] .badge`).textContent())
      .toBe("accepted");
    expect(await page.locator(`#library [data-library-take="${firstTake}"] .badge`).textContent()).toBe("superseded");
    // Both takes are back in the thread with their players and their settled status.
    for (const [id, status] of [
      [firstTake, "superseded"],
      [secondTake, "accepted"],
    ]) {
      const card = page.locator(`.take[data-video-id="${id}"]`);
      await card.locator("video").waitFor();
      expect(await card.locator(".take-status .badge").textContent()).toBe(status);
    }
    expect(await page.locator(".message a[href$='/file']").count()).toBeGreaterThanOrEqual(2);

    // Sarah is shown by her description and her reference's picture, not by colour codes.
    const sarah = page.locator('#brain section[aria-label="Brain facts about Sarah"]');
    await sarah.locator("img.reference-image").first().scrollIntoViewIfNeeded();
    expect(await sarah.locator("p").first().textContent()).toMatch(/wearing/);
    expect(await sarah.locator("p").first().textContent()).not.toMatch(/#[0-9a-f]{6}/i);
    await expect
      .poll(() =>
        sarah
          .locator("img.reference-image")
          .first()
          .evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);

    // Download: an attachment named after the take's title.
    const downloading = page.waitForEvent("download");
    await page.locator(`.take[data-video-id="${secondTake}"] a.download`).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/Sarah walking.*\.mp4$/);

    // The take page: player, contact sheet, shots, checks and provenance.
    await page.locator(`#library [data-library-take="${secondTake}"] .open-take`).click();
    const takePage = page.locator("#take-page");
    await takePage.waitFor();
    await takePage.locator("video").waitFor();
    await expect.poll(() => takePage.locator(".shots li").count()).toBeGreaterThanOrEqual(2);
    expect(await takePage.locator(".provenance").textContent()).toContain(firstTake);
    const sheet = takePage.locator(".contact-sheet img");
    if ((await sheet.count()) > 0) {
      await expect
        .poll(() => sheet.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
        .toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(OUTPUT, "studio-take-page.png"), fullPage: true });
    await page.keyboard.press("Escape");
    await expect.poll(() => takePage.isVisible()).toBe(false);

    // Compare: two ticked takes side by side, the second player following the first.
    await page.getByLabel("compare").first().check();
    await page.getByLabel("compare").nth(1).check();
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    const compare = page.locator("#compare-page");
    await compare.locator(".compare-column video").nth(1).waitFor();
    expect(await compare.locator(".compare-column").count()).toBe(2);
    const players = compare.locator(".compare-column video");
    for (const index of [0, 1])
      await expect
        .poll(() => players.nth(index).evaluate((video) => (video as unknown as PlayerElement).readyState))
        .toBeGreaterThanOrEqual(1);
    await compare.getByRole("button", { name: "Play both from the start" }).click();
    await expect.poll(() => players.nth(1).evaluate((video) => (video as unknown as PlayerElement).paused)).toBe(false);
    await players.nth(0).evaluate((video) => (video as unknown as { pause(): void }).pause());
    await expect.poll(() => players.nth(1).evaluate((video) => (video as unknown as PlayerElement).paused)).toBe(true);
    await page.screenshot({ path: join(OUTPUT, "studio-compare.png"), fullPage: true });
    await compare.getByRole("button", { name: "Close" }).click();
    await page.close();
    expect(problems).toEqual([]);
  });

  it("fits 390 px and 360 px wide without scrolling sideways", async () => {
    const page = await open(new URL(threadUrl).pathname + new URL(threadUrl).search);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForSelector(`.take[data-video-id="${secondTake}"] video`);
    await page.waitForSelector(`#library [data-library-take="${secondTake}"]`);
    const width = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
            .scrollWidth,
      );
    expect(await width()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUTPUT, "studio-390.png"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await width()).toBeLessThanOrEqual(360);
    await page.close();
    expect(problems).toEqual([]);
  });
  it("edits a plan before it runs: lengths, order, and a plan that breaks the rules refused with its reason", async () => {
    const page = await open(`/#key=${key}`);
    await page.waitForSelector("#workspace:not([hidden])");
    const request = "generate a 15 second video of Sarah walking in the park";
    const preview = async () => {
      await page.getByLabel("Message").fill(request);
      const before = await page.locator(".plan-card").count();
      await page.getByRole("button", { name: "Preview plan" }).click();
      await expect.poll(() => page.locator(".plan-card").count(), { timeout: 60_000 }).toBe(before + 1);
      const card = page.locator(".plan-card").last();
      await card.locator("li[data-plan-shot]").nth(2).waitFor({ timeout: 60_000 });
      return card;
    };
    // A shot longer than the renderer makes is refused before anything is spent, in the thread.
    const tooLong = await preview();
    expect(await tooLong.locator("li[data-plan-shot]").count()).toBe(3);
    await tooLong.getByLabel("Length of shot 1 (s)").fill("9");
    await tooLong.getByRole("button", { name: "Make it" }).click();
    const refused = page.locator(".message.failed");
    await refused.waitFor({ timeout: 60_000 });
    expect(await refused.textContent()).toMatch(/plan: .*shot 1 needs a 9\.00 s clip/);

    const card = await preview();
    await card.getByLabel("Length of shot 1 (s)").fill("3");
    await card.getByLabel("Length of shot 3 (s)").fill("7");
    await card.getByRole("button", { name: "Move shot 3 earlier" }).click();
    expect(
      await card
        .locator("li[data-plan-shot]")
        .evaluateAll((rows) =>
          rows.map((row) => (row as unknown as { dataset: { planShot: string } }).dataset.planShot),
        ),
    ).toEqual(["1", "3", "2"]);
    await card.getByRole("button", { name: "Make it" }).click();
    await expect.poll(() => page.locator(".message.user").last().textContent()).toContain("with the edited plan");
    const take = page.locator(".take").first();
    await take.locator("video").waitFor({ timeout: 180_000 });
    const videoId = await take.getAttribute("data-video-id");
    const plan = (await page.evaluate(
      async (path) => (await fetch(path)).json(),
      `/api/v1/projects/default/videos/${videoId}/plan`,
    )) as { shots: Array<{ index: number; durationSeconds: number }>; totalDurationSeconds: number };
    expect(plan.shots.map((shot) => shot.durationSeconds)).toEqual([3, 7, 5]);
    expect(plan.totalDurationSeconds).toBeCloseTo(15, 1);
    await page.screenshot({ path: join(OUTPUT, "studio-plan-edited.png"), fullPage: true });
    await page.close();
    expect(problems.filter((problem) => !/^400 |status of 400/.test(problem))).toEqual([]);
  });

  it("answers a refused request in the thread with a fix that sends the corrected request", async () => {
    const page = await open(`/#key=${key}`);
    await page.waitForSelector("#workspace:not([hidden])");
    await page.getByLabel("Message").fill("generate a 10 minute video of Sarah walking");
    await page.getByRole("button", { name: "Send" }).click();
    const reply = page.locator(".message.failed");
    await reply.waitFor({ timeout: 60_000 });
    expect(await reply.textContent()).toMatch(/at most 70 s/);
    // The reply stays when the next turn is sent.
    await page.getByLabel("Message").fill("what can you do?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.locator(".message.department:not(.failed)").count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator(".message.failed").count()).toBe(1);
    await page.screenshot({ path: join(OUTPUT, "studio-error-reply.png"), fullPage: true });
    const fix = reply.getByRole("button", { name: "Make it 70 seconds" });
    await fix.focus();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator(".message.user").last().textContent())
      .toContain("generate a 70 second video of Sarah walking");
    // The department takes the corrected request: no second refusal, its steps start.
    await page.waitForSelector("#steps li[data-step]", { timeout: 60_000 });
    expect(await page.locator(".message.failed").count()).toBe(1);
    await page.close();
    expect(problems.filter((problem) => !/network|Failed to fetch|aborted/i.test(problem))).toEqual([]);
  });
});
