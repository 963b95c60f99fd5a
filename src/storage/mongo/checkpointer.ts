/** LangGraph checkpoints in MongoDB, so a thread's pending choice survives any process on any machine. */
import { MongoDBSaver } from "@langchain/langgraph-checkpoint-mongodb";
import type { MongoClient } from "mongodb";

export function createMongoCheckpointer(client: MongoClient, database: string): MongoDBSaver {
  return new MongoDBSaver({
    client,
    dbName: database,
    checkpointCollectionName: "checkpoints",
    checkpointWritesCollectionName: "checkpoint_writes",
  });
}
