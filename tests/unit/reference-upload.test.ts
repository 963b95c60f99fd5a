import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { MAX_REFERENCE_BYTES, ownerName, readReferenceImage, sniffImageFormat } from "../../src/brain/uploads.js";
import { CutroomError } from "../../src/errors.js";

function canvas(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } });
}

async function refusal(bytes: Buffer): Promise<CutroomError> {
  const error = await readReferenceImage(bytes).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CutroomError);
  const refused = error as CutroomError;
  expect(refused.code).toBe("INVALID_INPUT");
  expect(refused.field).toBe("image");
  expect(refused.message).toMatch(/^image: /);
  return refused;
}

describe("readReferenceImage", () => {
  it("accepts PNG, JPEG and WebP, recognised from their bytes, and gives back PNG", async () => {
    for (const format of ["png", "jpeg", "webp"] as const) {
      const bytes = await canvas(320, 300).toFormat(format).toBuffer();
      expect(sniffImageFormat(bytes)).toBe(format);
      const image = await readReferenceImage(bytes);
      expect(image).toMatchObject({ sourceFormat: format, width: 320, height: 300 });
      expect(sniffImageFormat(image.png)).toBe("png");
      expect((await sharp(image.png).metadata()).format).toBe("png");
    }
  });

  it("leaves a JPEG's EXIF (and the GPS in it) behind", async () => {
    const bytes = await canvas(400, 300)
      .withExif({ IFD0: { Copyright: "secret", Artist: "someone" }, IFD3: { GPSLatitudeRef: "N" } })
      .jpeg()
      .toBuffer();
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    const image = await readReferenceImage(bytes);
    const metadata = await sharp(image.png).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    expect(metadata.icc).toBeUndefined();
    expect(image.png.includes(Buffer.from("secret"))).toBe(false);
  });

  it("applies the camera's orientation to the pixels", async () => {
    // Stored 400 wide and 300 high, with orientation 6: the camera was turned, so it shows 300x400.
    const bytes = await canvas(400, 300).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    const image = await readReferenceImage(bytes);
    expect([image.width, image.height]).toEqual([300, 400]);
    const metadata = await sharp(image.png).metadata();
    expect([metadata.width, metadata.height]).toEqual([300, 400]);
    expect(metadata.orientation).toBeUndefined();
  });

  it("refuses text named like a PNG, and a file that only starts like one", async () => {
    expect((await refusal(Buffer.from("just some text, saved as photo.png\n"))).message).toContain("PNG, JPEG or WebP");
    const png = await canvas(300, 300).png().toBuffer();
    expect((await refusal(png.subarray(0, 40))).message).toContain("cannot be");
    await refusal(Buffer.alloc(0));
  });

  it("refuses an image under 256 px on its short side", async () => {
    expect((await refusal(await canvas(50, 50).png().toBuffer())).message).toContain("50x50 is too small");
    expect((await refusal(await canvas(1000, 255).png().toBuffer())).message).toContain("256 px");
  });

  it("refuses more than 20 MB before looking at it", async () => {
    const png = await canvas(300, 300).png().toBuffer();
    const big = Buffer.concat([png, Buffer.alloc(MAX_REFERENCE_BYTES + 1 - png.length)]);
    expect((await refusal(big)).message).toContain("at most 20971520");
  });
});

describe("ownerName", () => {
  it("trims, and refuses empty, long and control-character names", () => {
    expect(ownerName("  Sarah ")).toBe("Sarah");
    for (const bad of ["", "   ", "x".repeat(65), "Sa\nrah", 3]) {
      expect(() => ownerName(bad)).toThrow(/^name: /);
    }
  });
});
