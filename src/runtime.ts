/**
 * Composition root: builds every adapter from the config once. Graph nodes receive this object as
 * LangGraph runtime context; no node creates a client or reads the environment.
 */
import { setMaxListeners } from "node:events";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
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
import { meteredBrain, meteredProvider } from "./metrics.js";
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
  /**
   * False: this runtime enqueues department jobs but runs none (an API tier, `cutroom serve --no-worker`,
   * or `cutroom worker`, which works per project queues of its own). Default true.
   */
  worker?: boolean;
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

/** The queue of a project's department work: `cutroom-<project>` on Redis. */
export function projectQueueName(projectId: string): string {
  return `cutroom-${projectId}`;
}

/** Recorded on every BullMQ job this process runs: which machine and process ran it. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

/** A project's department work queue (the configured project's unless `projectId` names another). */
export async function createJobQueue(
  config: Config,
  projectId = config.projectId,
  concurrency = config.env.CUTROOM_JOB_CONCURRENCY ?? 5,
): Promise<JobQueue> {
  const options = {
    concurrency,
    attempts: config.env.CUTROOM_JOB_ATTEMPTS ?? 3,
    backoffMs: config.env.CUTROOM_JOB_BACKOFF_MS ?? 1_000,
  };
  switch (adapterFor(config, "jobQueue")) {
    case "bullmq":
      return BullMqJobQueue.open({
        ...options,
        url: config.env.REDIS_URL!,
        queueName: projectQueueName(projectId),
        lockDurationMs: config.env.CUTROOM_JOB_LOCK_MS ?? 30_000,
        workerName: WORKER_NAME,
      });
    default:
      return new InProcessJobQueue({ ...options, metricsName: projectQueueName(projectId) });
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
        workerName: WORKER_NAME,
      });
    default:
      return new InProcessJobQueue({
        ...options,
        recordsFile: join(config.dataDir, "request-jobs.json"),
        log,
        metricsName: `${projectQueueName(config.projectId)}.requests`,
      });
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
 * Registers the departments' handlers on a runtime's queue, which starts its worker. createRuntime does it
 * unless told not to; `cutroom worker` does it for each project queue it works.
 */
export function setUpRuntime(runtime: Runtime): void {
  for (const setUp of setUps) setUp(runtime);
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
    brain = track(meteredBrain(await createBrain(config)));
    media = track(await createMediaRepository(config, mongo));
    checkpointer = await createCheckpointer(config, mongo);
    jobs = track(await createJobQueue(config));
  } catch (error) {
    await Promise.all(opened.map((resource) => resource.close().catch(() => undefined)));
    throw error;
  }
  const log = overrides.log ?? stderrLogger;
  // Every provider call is counted (calls, failures by code, USD by project) for GET /metrics.
  const video = overrides.video ?? (await createVideoProvider(config, log));
  const image = overrides.image ?? createImageProvider(config, log);
  const voice = overrides.voice ?? (await createVoiceProvider(config, log));
  const runtime: Runtime = {
    config,
    adapters: config.adapters,
    llm,
    video: meteredProvider(video, "video", VIDEO_OPERATIONS, config.projectId),
    image: meteredProvider(image, "image", ["generate"], config.projectId),
    voice: meteredProvider(voice, "voice", VOICE_OPERATIONS, config.projectId),
    store: await createObjectStore(config),
    media,
    brain,
    checkpointer,
    jobs,
    progress: new ProgressBus(),
    log,
    scratchDir,
    async close() {
      // Jobs first: a running job may still write records or Brain nodes.
      await jobs.close();
      await media.close();
      await brain.close();
      if (mongoClient !== null) await (await mongoClient).close();
    },
  };
  if (overrides.worker !== false) setUpRuntime(runtime);
  return runtime;
}

const VIDEO_OPERATIONS = ["textToVideo", "imageToVideo", "firstLastFrame", "compositeToVideo"] as const;
const VOICE_OPERATIONS = ["synthesize", "soundEffect", "createCharacterVoice"] as const;
