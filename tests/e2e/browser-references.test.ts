/**
 * Bring-your-own references on the web page, in Debian's Chromium: the Brain panel's form uploads a photo
 * for a new character, whose panel then lists it as uploaded; its keyboard button refuses a tiny image
 * inline; and an image dropped on the panel is added too.
 */
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrowserHarness, type BrowserHarness } from "./browser-harness.js";

const image = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 40, g: 140, b: 90 } } })
    .png()
    .toBuffer();

describe("references on the web page", () => {
  let setup: BrowserHarness;
  beforeAll(async () => {
    setup = await startBrowserHarness();
  });
  afterAll(async () => setup?.close());

  it("uploads from the form, refuses a tiny image inline, and takes a dropped image", async () => {
    const page = await setup.browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${setup.base}/#key=${setup.harness.server.keys.localKey!.key}`);
    await page.waitForSelector("#workspace:not([hidden])");

    await page.getByLabel("For a").selectOption("character");
    await page.getByLabel("named").fill("Mira");
    await page.getByLabel("Image", { exact: true }).setInputFiles({
      name: "mira.png",
      mimeType: "image/png",
      buffer: await image(300, 320),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect
      .poll(() => page.locator("#reference-status").textContent())
      .toMatch(/^Added ref_\w+ to Mira \(uploaded\)/);
    const panel = page.getByRole("region", { name: "Brain facts about Mira" });
    await expect.poll(() => panel.locator(".references .badge.uploaded").count()).toBe(1);

    // The panel's button opens the file chooser; a 50x50 image is refused with the server's reason, inline.
    const chooser = page.waitForEvent("filechooser");
    await panel.getByRole("button", { name: "Add reference…" }).press("Enter");
    await (await chooser).setFiles({ name: "tiny.png", mimeType: "image/png", buffer: await image(50, 50) });
    await expect.poll(() => panel.locator(".upload-status.error").textContent()).toContain("50x50 is too small");

    // A dropped file reaches the same route.
    // Built in the page (the test's own types have no DOM): a DataTransfer holding one PNG file.
    const bytes = JSON.stringify([...(await image(400, 300))]);
    const transfer = await page.evaluateHandle(
      `(() => { const transfer = new DataTransfer(); transfer.items.add(new File([new Uint8Array(${bytes})], "dropped.png", { type: "image/png" })); return transfer; })()`,
    );
    await panel.dispatchEvent("dragover", { dataTransfer: transfer });
    await panel.dispatchEvent("drop", { dataTransfer: transfer });
    await expect.poll(() => panel.locator(".references .badge.uploaded").count()).toBe(2);
    await expect.poll(() => panel.locator(".upload-status").textContent()).toMatch(/^Added ref_/);
    await page.screenshot({
      path: fileURLToPath(new URL("./output/web-references.png", import.meta.url)),
      fullPage: true,
    });
    expect(problems).toEqual([]);
  });
});
