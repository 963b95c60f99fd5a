/**
 * One contract for the checkpointer: a thread interrupted for a human choice in one process is resumed by
 * another (a fresh saver on the same storage), on SQLite and on MongoDB.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Annotation,
  Command,
  END,
  START,
  StateGraph,
  interrupt,
  isInterrupted,
  type BaseCheckpointSaver,
} from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { describe, expect, it } from "vitest";
import { createMongoCheckpointer } from "../../src/storage/mongo/checkpointer.js";
import { connectMongo } from "../../src/storage/mongo/client.js";
import { servicesEnv } from "./env.js";

const State = Annotation.Root({
  takes: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }),
  choice: Annotation<string | null>({ reducer: (_left, right) => right, default: () => null }),
});

function graph(saver: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode("generate", () => ({ takes: ["vid_1"] }))
    .addNode("choose", () => ({ choice: interrupt({ question: "accept, regenerate or discard?" }) as string }))
    .addEdge(START, "generate")
    .addEdge("generate", "choose")
    .addEdge("choose", END)
    .compile({ checkpointer: saver });
}

function checkpointerContract(
  name: string,
  open: () => Promise<{ saver: BaseCheckpointSaver; close(): Promise<void> }>,
  cleanup: () => Promise<void>,
) {
  describe(`checkpointer contract: ${name}`, () => {
    it("keeps an interrupted thread for a later process to resume", async () => {
      const thread = { configurable: { thread_id: `thread-${randomBytes(3).toString("hex")}` } };
      const first = await open();
      const paused = await graph(first.saver).invoke({}, thread);
      expect(isInterrupted(paused)).toBe(true);
      await first.close();

      const second = await open();
      try {
        const state = await graph(second.saver).getState(thread);
        expect(state.values.takes).toEqual(["vid_1"]);
        expect(state.tasks.flatMap((task) => task.interrupts)).toHaveLength(1);
        const done = await graph(second.saver).invoke(new Command({ resume: "accept" }), thread);
        expect(done).toMatchObject({ takes: ["vid_1"], choice: "accept" });
        const history = [];
        for await (const checkpoint of second.saver.list(thread)) history.push(checkpoint);
        expect(history.length).toBeGreaterThanOrEqual(3);
        expect(await second.saver.getTuple({ configurable: { thread_id: "thread-none" } })).toBeUndefined();
      } finally {
        await second.close();
        await cleanup();
      }
    });
  });
}

const directory = await mkdtemp(join(tmpdir(), "cutroom-checkpoints-"));
checkpointerContract(
  "sqlite",
  async () => {
    const saver = SqliteSaver.fromConnString(join(directory, "checkpoints.sqlite"));
    return { saver, close: async () => undefined };
  },
  () => rm(directory, { recursive: true, force: true }),
);

const env = servicesEnv();
const database = `checkpoints_${randomBytes(4).toString("hex")}`;
describe.skipIf(env === null)("on a MongoDB-protocol server", () => {
  checkpointerContract(
    "mongodb",
    async () => {
      const client = await connectMongo(env!.MONGODB_URI);
      return { saver: createMongoCheckpointer(client, database), close: () => client.close() };
    },
    async () => {
      const client = await connectMongo(env!.MONGODB_URI);
      await client.db(database).dropDatabase();
      await client.close();
    },
  );
});
