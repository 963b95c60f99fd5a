/** One MongoClient per URI for the runtime, checked at start-up so an unreachable server is named at once. */
import { MongoClient } from "mongodb";
import { CutroomError } from "../../errors.js";

/** The URI without its password, for messages. */
export function redactUri(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.password !== "") url.password = "****";
    return url.toString();
  } catch {
    return "(an unparsable MONGODB_URI)";
  }
}

export async function connectMongo(
  uri: string,
  options: { serverSelectionTimeoutMs?: number } = {},
): Promise<MongoClient> {
  let client: MongoClient;
  try {
    client = new MongoClient(uri, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5_000,
      connectTimeoutMS: 5_000,
      retryWrites: true,
    });
  } catch (error) {
    throw new CutroomError("CONFIG", `MONGODB_URI is not a MongoDB connection string: ${messageOf(error)}`, {
      field: "MONGODB_URI",
      cause: error,
    });
  }
  try {
    await client.db("admin").command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new CutroomError(
      "ADAPTER_UNAVAILABLE",
      `MongoDB at ${redactUri(uri)} is unreachable (${messageOf(error)}): start it (scripts/services/up) or unset MONGODB_URI to use the embedded media store and SQLite checkpoints`,
      { field: "MONGODB_URI", cause: error },
    );
  }
  return client;
}

/** The database named in the URI's path, else "cutroom". */
export function databaseOf(uri: string): string {
  try {
    const name = decodeURIComponent(new URL(uri).pathname.replace(/^\//, ""));
    return name === "" ? "cutroom" : name;
  } catch {
    return "cutroom";
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
