/**
 * The Neo4j driver, its start-up check and the idempotent schema. Every node carries the BrainNode label
 * next to its own, so ids share one namespace (as in the embedded graph) under one uniqueness constraint.
 */
import neo4j, { type Driver } from "neo4j-driver";
import { CutroomError } from "../../errors.js";
import { LABELS } from "../rules.js";

export interface Neo4jOptions {
  uri: string;
  user: string;
  password: string;
  /** How long a managed transaction keeps retrying transient failures (a restarting server, say). */
  maxTransactionRetryTimeMs?: number;
  connectionTimeoutMs?: number;
}

/** Names and labels come from the closed lists in rules.ts, never from user text. */
const SCHEMA: string[] = [
  "CREATE CONSTRAINT brain_node_id IF NOT EXISTS FOR (n:BrainNode) REQUIRE n.id IS UNIQUE",
  ...LABELS.map(
    (label) => `CREATE CONSTRAINT ${label.toLowerCase()}_id IF NOT EXISTS FOR (n:${label}) REQUIRE n.id IS UNIQUE`,
  ),
  // Name look-ups are by the trimmed, lower-cased name; unique, so two processes cannot both create "Sarah".
  "CREATE CONSTRAINT character_name IF NOT EXISTS FOR (n:Character) REQUIRE n.nameKey IS UNIQUE",
  "CREATE CONSTRAINT location_name IF NOT EXISTS FOR (n:Location) REQUIRE n.nameKey IS UNIQUE",
  "CREATE INDEX video_request IF NOT EXISTS FOR (n:Video) ON (n.requestId)",
  "CREATE INDEX video_status IF NOT EXISTS FOR (n:Video) ON (n.status)",
];

export async function connectNeo4j(options: Neo4jOptions): Promise<Driver> {
  let driver: Driver;
  try {
    driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
      disableLosslessIntegers: true,
      maxTransactionRetryTime: options.maxTransactionRetryTimeMs ?? 60_000,
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      connectionAcquisitionTimeout: 20_000,
    });
  } catch (error) {
    throw new CutroomError("CONFIG", `NEO4J_URI ${options.uri} is not a Neo4j address: ${messageOf(error)}`, {
      field: "NEO4J_URI",
      cause: error,
    });
  }
  try {
    await driver.verifyConnectivity();
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw unreachable(options.uri, error);
  }
  try {
    for (const statement of SCHEMA) await driver.executeQuery(statement, {}, { routing: neo4j.routing.WRITE });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw new CutroomError(
      "STORAGE",
      `could not set up the Brain schema on Neo4j at ${options.uri}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  return driver;
}

export function unreachable(uri: string, error: unknown): CutroomError {
  const code = (error as { code?: string }).code ?? "";
  const hint = code.includes("Security")
    ? "check NEO4J_USER and NEO4J_PASSWORD"
    : "start Neo4j (scripts/services/up) or unset NEO4J_URI to use the embedded Brain";
  return new CutroomError("ADAPTER_UNAVAILABLE", `Neo4j at ${uri} is unreachable (${messageOf(error)}): ${hint}`, {
    field: "NEO4J_URI",
    cause: error,
  });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
