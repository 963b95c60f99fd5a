import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { loadConfig } from "../../src/config.js";
import type { ImageProvider } from "../../src/providers/image/types.js";
import type { VideoProvider } from "../../src/providers/video/types.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";

/** Small, fast renders for tests. */
export const TEST_ENV = {
  CUTROOM_RESOLUTION: "320x180",
  CUTROOM_FPS: "12",
  CUTROOM_CLIP_SECONDS: "2",
};

export async function createTestRuntime(
  options: {
    llm?: BaseChatModel | null;
    env?: Record<string, string>;
    video?: VideoProvider;
    image?: ImageProvider;
  } = {},
): Promise<{ runtime: Runtime; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), "cutroom-test-"));
  const config = loadConfig({ ...TEST_ENV, ...options.env, CUTROOM_DATA_DIR: dataDir });
  const quiet = { info: () => {}, warn: () => {} };
  const runtime = await createRuntime(config, {
    llm: options.llm ?? null,
    log: quiet,
    ...(options.video ? { video: options.video } : {}),
    ...(options.image ? { image: options.image } : {}),
  });
  return {
    runtime,
    dataDir,
    cleanup: async () => {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
