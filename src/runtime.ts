/**
 * Composition root: builds every adapter from the config once. Graph nodes receive this object as
 * LangGraph runtime context; no node creates a client or reads the environment.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { ChatOpenAI } from "@langchain/openai";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { adapterFor, type AdapterChoice, type Config } from "./config.js";
import type { Brain } from "./brain/types.js";
import { EmbeddedBrain } from "./brain/embedded.js";
import { ProgressBus } from "./jobs/progress.js";
import type { VideoProvider } from "./providers/video/types.js";
import { LocalAnimaticProvider } from "./providers/video/local.js";
import { FalVideoProvider } from "./providers/video/fal/provider.js";
import { falOptionsFrom } from "./providers/video/fal/settings.js";
import { ElevenLabsVoiceProvider } from "./providers/voice/elevenlabs/provider.js";
import { S3ObjectStore } from "./storage/s3/store.js";
import type { VoiceProvider } from "./providers/voice/types.js";
import { LocalVoiceProvider } from "./providers/voice/local.js";
import type { MediaRepository, ObjectStore } from "./storage/types.js";
import { LocalObjectStore } from "./storage/local-store.js";
import { EmbeddedMediaRepository } from "./storage/embedded-media.js";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface Runtime {
  config: Config;
  adapters: AdapterChoice[];
  llm: BaseChatModel | null;
  video: VideoProvider;
  voice: VoiceProvider;
  store: ObjectStore;
  media: MediaRepository;
  brain: Brain;
  checkpointer: BaseCheckpointSaver;
  progress: ProgressBus;
  log: Logger;
  /** Working directory for intermediate files of a run; final files go to the object store. */
  scratchDir: string;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  llm?: BaseChatModel | null;
  video?: VideoProvider;
  voice?: VoiceProvider;
  log?: Logger;
}

export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};

/*
 * One factory per port: each picks the adapter the config chose (see `cutroom doctor`). A port whose
 * real adapter is chosen builds it here; nothing else in the program constructs clients.
 */

export async function createLlmFromConfig(config: Config): Promise<BaseChatModel | null> {
  if (!config.llm) return null;
  return new ChatOpenAI({
    model: config.llm.model,
    apiKey: config.llm.apiKey,
    temperature: 0,
    maxRetries: 2,
    configuration: config.llm.baseURL ? { baseURL: config.llm.baseURL } : {},
  });
}

async function createVideoProvider(config: Config, log: Logger): Promise<VideoProvider> {
  switch (adapterFor(config, "video")) {
    case "fal":
      return new FalVideoProvider(falOptionsFrom(config, log));
    default:
      return new LocalAnimaticProvider({ timeoutMs: config.ffmpegTimeoutMs });
  }
}

async function createVoiceProvider(config: Config, log: Logger): Promise<VoiceProvider> {
  switch (adapterFor(config, "voice")) {
    case "elevenlabs":
      return new ElevenLabsVoiceProvider({
        apiKey: config.env.ELEVENLABS_API_KEY!,
        baseUrl: config.env.ELEVENLABS_BASE_URL ?? null,
        timeoutMs: config.env.CUTROOM_HTTP_TIMEOUT_MS ?? 60_000,
        ffmpegTimeoutMs: config.ffmpegTimeoutMs,
        log,
      });
    default:
      return new LocalVoiceProvider();
  }
}

async function createObjectStore(config: Config): Promise<ObjectStore> {
  switch (adapterFor(config, "objectStore")) {
    case "s3":
      return S3ObjectStore.fromConfig(config);
    default:
      return new LocalObjectStore({ root: join(config.dataDir, "store") });
  }
}

async function createMediaRepository(config: Config): Promise<MediaRepository> {
  switch (adapterFor(config, "mediaRepository")) {
    default:
      return EmbeddedMediaRepository.open({ file: join(config.dataDir, "media.db") });
  }
}

async function createBrain(config: Config): Promise<Brain> {
  switch (adapterFor(config, "brain")) {
    default:
      return EmbeddedBrain.open({ file: join(config.dataDir, "brain.json") });
  }
}

async function createCheckpointer(config: Config): Promise<BaseCheckpointSaver> {
  switch (adapterFor(config, "checkpointer")) {
    default:
      return SqliteSaver.fromConnString(join(config.dataDir, "checkpoints.sqlite"));
  }
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  await mkdir(config.dataDir, { recursive: true });
  const scratchDir = join(config.dataDir, "scratch");
  await mkdir(scratchDir, { recursive: true });
  const llm = overrides.llm !== undefined ? overrides.llm : await createLlmFromConfig(config);
  const brain = await createBrain(config);
  const media = await createMediaRepository(config);
  const checkpointer = await createCheckpointer(config);
  return {
    config,
    adapters: config.adapters,
    llm,
    video: overrides.video ?? (await createVideoProvider(config, overrides.log ?? stderrLogger)),
    voice: overrides.voice ?? (await createVoiceProvider(config, overrides.log ?? stderrLogger)),
    store: await createObjectStore(config),
    media,
    brain,
    checkpointer,
    progress: new ProgressBus(),
    log: overrides.log ?? stderrLogger,
    scratchDir,
    async close() {
      await media.close();
      await brain.close();
    },
  };
}
