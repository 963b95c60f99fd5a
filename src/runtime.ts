/**
 * Composition root: builds every adapter from the config once. Graph nodes receive this object as
 * LangGraph runtime context; no node creates a client or reads the environment.
 */
import { setMaxListeners } from "node:events";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { ChatOpenAI } from "@langchain/openai";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { adapterFor, LOCAL_IMAGE_MODEL, LOCAL_VIDEO_MODEL, type AdapterChoice, type Config } from "./config.js";
import { priceOfModel } from "./departments/video/planner/cost.js";
import type { Brain } from "./brain/types.js";
import { EmbeddedBrain } from "./brain/embedded.js";
import { Neo4jBrain } from "./brain/neo4j/brain.js";
import { CutroomError } from "./errors.js";
import { stderrLogger, type Logger } from "./logging.js";
import { BullMqJobQueue } from "./jobs/bullmq.js";
import { InProcessJobQueue } from "./jobs/in-process.js";
import type { JobQueue } from "./jobs/types.js";
import type { CaptionMode } from "./media/captions.js";
import { createMongoCheckpointer } from "./storage/mongo/checkpointer.js";
import { connectMongo, databaseOf } from "./storage/mongo/client.js";
import { MongoMediaRepository } from "./storage/mongo/media.js";
import type { MongoClient } from "mongodb";
import { ProgressBus } from "./jobs/progress.js";
import type { VideoProvider } from "./providers/video/types.js";
import type { ImageProvider } from "./providers/image/types.js";
import { LocalImageProvider } from "./providers/image/local.js";
import { FalImageProvider } from "./providers/image/fal/provider.js";
import { falImageOptionsFrom } from "./providers/image/fal/settings.js";
import { imageCostUsd } from "./providers/video/pricing.js";
import { LocalAnimaticProvider } from "./providers/video/local.js";
import { FalVideoProvider } from "./providers/video/fal/provider.js";
import { falOptionsFrom } from "./providers/video/fal/settings.js";
import { ElevenLabsVoiceProvider } from "./providers/voice/elevenlabs/provider.js";
import { S3ObjectStore } from "./storage/s3/store.js";
import type { VoiceProvider } from "./providers/voice/types.js";
import { LocalVoiceProvider } from "./providers/voice/local.js";
import type { MediaRepository, ObjectStore } from "./storage/types.js";
import { LocalObjectStore } from "./storage/local-store.js";
import { SqliteMediaRepository } from "./storage/sqlite-media.js";

// The logger lives in ./logging.js (it imports nothing from the app); new code imports it from there.
export type { Logger } from "./logging.js";

export interface Runtime {
  config: Config;
  adapters: AdapterChoice[];
  llm: BaseChatModel | null;
  video: VideoProvider;
  /** The stills the department animates: character and location masters, turnarounds, shot composites. */
  image: ImageProvider;
  voice: VoiceProvider;
  store: ObjectStore;
  media: MediaRepository;
  brain: Brain;
  checkpointer: BaseCheckpointSaver;
  /** Generation, assembly and verification run as jobs (retries, backoff, concurrency, events). */
  jobs: JobQueue;
  progress: ProgressBus;
  log: Logger;
  /** Working directory for intermediate files of a run; final files go to the object store. */
  scratchDir: string;
  /** How this request's dialogue is captioned, when its caller chose (departments/video/captions.ts); files otherwise. */
  captions?: CaptionMode;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  llm?: BaseChatModel | null;
  video?: VideoProvider;
  image?: ImageProvider;
  voice?: VoiceProvider;
  log?: Logger;
}

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
      return new LocalAnimaticProvider({
        timeoutMs: config.ffmpegTimeoutMs,
        pricePerSecondUsd: priceOfModel(config, LOCAL_VIDEO_MODEL),
      });
  }
}

/** FAL when the video port is FAL (a paid video model is given made, not drawn, stills); else the local renderer. */
export function createImageProvider(config: Config, log: Logger): ImageProvider {
  switch (adapterFor(config, "image")) {
    case "fal":
      return new FalImageProvider(falImageOptionsFrom(config, log));
    default:
      return new LocalImageProvider({
        timeoutMs: config.ffmpegTimeoutMs,
        pricePerImageUsd: imageCostUsd(LOCAL_IMAGE_MODEL, config.imagePrices),
      });
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

/** One MongoDB client per runtime, opened on first use, shared by the media records and the checkpoints. */
type MongoSource = () => Promise<MongoClient>;

async function createMediaRepository(config: Config, mongo: MongoSource): Promise<MediaRepository> {
  switch (adapterFor(config, "mediaRepository")) {
    case "mongodb":
      return MongoMediaRepository.open({
        client: await mongo(),
        database: databaseOf(config.env.MONGODB_URI!),
        uri: config.env.MONGODB_URI!,
      });
    default:
      // media.db is the document file of earlier versions: imported once, then renamed media.db.imported.
      return SqliteMediaRepository.open({
        file: join(config.dataDir, "media.sqlite"),
        importFrom: join(config.dataDir, "media.db"),
      });
  }
}

async function createBrain(config: Config): Promise<Brain> {
  switch (adapterFor(config, "brain")) {
    case "neo4j": {
      const password = config.env.NEO4J_PASSWORD;
      if (password === undefined)
        throw new CutroomError(
          "CONFIG",
          "NEO4J_URI is set but NEO4J_PASSWORD is not: set both (and NEO4J_USER if not neo4j)",
          {
            field: "NEO4J_PASSWORD",
          },
        );
      return Neo4jBrain.open({ uri: config.env.NEO4J_URI!, user: config.env.NEO4J_USER ?? "neo4j", password });
    }
    default:
      return EmbeddedBrain.open({ file: join(config.dataDir, "brain.json") });
  }
}

async function createCheckpointer(config: Config, mongo: MongoSource): Promise<BaseCheckpointSaver> {
  switch (adapterFor(config, "checkpointer")) {
    case "mongodb":
      return createMongoCheckpointer(await mongo(), databaseOf(config.env.MONGODB_URI!));
    default:
      return SqliteSaver.fromConnString(join(config.dataDir, "checkpoints.sqlite"));
  }
}

async function createJobQueue(config: Config): Promise<JobQueue> {
  const options = {
    concurrency: config.env.CUTROOM_JOB_CONCURRENCY ?? 5,
    attempts: config.env.CUTROOM_JOB_ATTEMPTS ?? 3,
    backoffMs: config.env.CUTROOM_JOB_BACKOFF_MS ?? 1_000,
  };
  switch (adapterFor(config, "jobQueue")) {
    case "bullmq":
      return BullMqJobQueue.open({
        ...options,
        url: config.env.REDIS_URL!,
        queueName: `cutroom-${config.projectId}`,
        lockDurationMs: config.env.CUTROOM_JOB_LOCK_MS ?? 30_000,
      });
    default:
      return new InProcessJobQueue(options);
  }
}

/**
 * The HTTP API's requests: on the same port and backend as the department's work, but on a queue of their
 * own, so a request waiting for its department jobs never holds a slot they need. One runs at a time (its
 * renders saturate the machine), once: a request cut off by a crash fails rather than runs, and pays, again.
 * Only a server opens it, so only servers run requests; in-process, its jobs are kept across restarts.
 */
export async function createRequestQueue(config: Config, log: Logger): Promise<JobQueue> {
  const options = { concurrency: 1, attempts: 1, backoffMs: config.env.CUTROOM_JOB_BACKOFF_MS ?? 1_000 };
  switch (adapterFor(config, "jobQueue")) {
    case "bullmq":
      return BullMqJobQueue.open({
        ...options,
        url: config.env.REDIS_URL!,
        // A dot cannot appear in a project id, so no project's work queue can share this name.
        queueName: `cutroom-${config.projectId}.requests`,
        lockDurationMs: config.env.CUTROOM_JOB_LOCK_MS ?? 30_000,
        rerunStalled: false,
      });
    default:
      return new InProcessJobQueue({ ...options, recordsFile: join(config.dataDir, "request-jobs.json"), log });
  }
}

/** What a department adds to a runtime when it is created: the handlers of its jobs. */
export type RuntimeSetUp = (runtime: Runtime) => void;

const setUps = new Set<RuntimeSetUp>();

/**
 * Runs `setUp` on every runtime createRuntime builds from now on. Departments register here when their
 * module loads (src/departments/video/jobs.ts): their handlers run specialists, which import this module,
 * so this module cannot import them.
 */
export function setUpEveryRuntime(setUp: RuntimeSetUp): void {
  setUps.add(setUp);
}

/**
 * Every tool call in a graph run listens on that run's abort signal, and a scene runs up to ten shots
 * (each a few tool calls) at once: Node's default of ten listeners per signal would report a leak that
 * is only concurrency. New signals get room for this many.
 */
const LISTENERS_PER_SIGNAL = 100;

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  setMaxListeners(LISTENERS_PER_SIGNAL);
  await mkdir(config.dataDir, { recursive: true });
  const scratchDir = join(config.dataDir, "scratch");
  await mkdir(scratchDir, { recursive: true });
  const llm = overrides.llm !== undefined ? overrides.llm : await createLlmFromConfig(config);
  // What opened so far is closed again if a later service is unreachable, so the process can exit.
  const opened: Array<{ close(): Promise<void> }> = [];
  let mongoClient: Promise<MongoClient> | null = null;
  const mongo: MongoSource = () => {
    mongoClient ??= connectMongo(config.env.MONGODB_URI!).then((client) => {
      opened.push(client);
      return client;
    });
    return mongoClient;
  };
  const track = <T extends { close(): Promise<void> }>(resource: T): T => (opened.push(resource), resource);
  let brain: Brain, media: MediaRepository, checkpointer: BaseCheckpointSaver, jobs: JobQueue;
  try {
    brain = track(await createBrain(config));
    media = track(await createMediaRepository(config, mongo));
    checkpointer = await createCheckpointer(config, mongo);
    jobs = track(await createJobQueue(config));
  } catch (error) {
    await Promise.all(opened.map((resource) => resource.close().catch(() => undefined)));
    throw error;
  }
  const runtime: Runtime = {
    config,
    adapters: config.adapters,
    llm,
    video: overrides.video ?? (await createVideoProvider(config, overrides.log ?? stderrLogger)),
    image: overrides.image ?? createImageProvider(config, overrides.log ?? stderrLogger),
    voice: overrides.voice ?? (await createVoiceProvider(config, overrides.log ?? stderrLogger)),
    store: await createObjectStore(config),
    media,
    brain,
    checkpointer,
    jobs,
    progress: new ProgressBus(),
    log: overrides.log ?? stderrLogger,
    scratchDir,
    async close() {
      // Jobs first: a running job may still write records or Brain nodes.
      await jobs.close();
      await media.close();
      await brain.close();
      if (mongoClient !== null) await (await mongoClient).close();
    },
  };
  for (const setUp of setUps) setUp(runtime);
  return runtime;
}
