/**
 * The Neo4j driver, its start-up check and the idempotent schema. Every node carries the BrainNode label
 * next to its own and a projectId, so ids share one namespace per project (as in the embedded graph) under
 * one uniqueness constraint on (projectId, id).
 */
import neo4j, { type Driver } from "neo4j-driver";
import { CutroomError } from "../../errors.js";
import { LABELS } from "../rules.js";
import { LEGACY_PROJECT_ID } from "../types.js";

export interface Neo4jOptions {
  uri: string;
  user: string;
  password: string;
  /** How long a managed transaction keeps retrying transient failures (a restarting server, say). */
  maxTransactionRetryTimeMs?: number;
  connectionTimeoutMs?: number;
}

/**
 * Before nodes belonged to a project, ids and names were unique across the whole graph. Their constraints
 * (and the indexes beside them) are dropped by name: two projects may each hold a "Sarah".
 */
const LEGACY_CONSTRAINTS: string[] = [
  "brain_node_id",
  ...LABELS.map((label) => `${label.toLowerCase()}_id`),
  "character_name",
  "location_name",
];
const LEGACY_INDEXES = ["video_request", "video_status"];

/** Names and labels come from the closed lists in rules.ts, never from user text. */
const SCHEMA: string[] = [
  // Ids are one namespace per project (as in the embedded graph); MERGE on (projectId, id) relies on it.
  "CREATE CONSTRAINT brain_node_project_id IF NOT EXISTS FOR (n:BrainNode) REQUIRE (n.projectId, n.id) IS UNIQUE",
  ...LABELS.map(
    (label) =>
      `CREATE CONSTRAINT ${label.toLowerCase()}_project_id IF NOT EXISTS FOR (n:${label}) REQUIRE (n.projectId, n.id) IS UNIQUE`,
  ),
  // Name look-ups are by the trimmed, lower-cased name; unique per project, so two processes cannot both
  // create one project's "Sarah".
  "CREATE CONSTRAINT character_project_name IF NOT EXISTS FOR (n:Character) REQUIRE (n.projectId, n.nameKey) IS UNIQUE",
  "CREATE CONSTRAINT location_project_name IF NOT EXISTS FOR (n:Location) REQUIRE (n.projectId, n.nameKey) IS UNIQUE",
  "CREATE INDEX brain_node_project IF NOT EXISTS FOR (n:BrainNode) ON (n.projectId)",
  "CREATE INDEX video_project_request IF NOT EXISTS FOR (n:Video) ON (n.projectId, n.requestId)",
  "CREATE INDEX video_project_status IF NOT EXISTS FOR (n:Video) ON (n.projectId, n.status)",
];

/**
 * A graph written before projects existed still has its global constraints: its nodes move to the legacy
 * project, then the old constraints go. Once they are gone this finds nothing to do, so it runs once; an
 * interrupted run is finished by the next start (setting the project is idempotent).
 */
async function moveLegacyNodes(driver: Driver): Promise<void> {
  const legacy = await driver.executeQuery(
    "SHOW CONSTRAINTS YIELD name WHERE name IN $names RETURN name",
    { names: LEGACY_CONSTRAINTS },
    { routing: neo4j.routing.WRITE },
  );
  if (legacy.records.length === 0) return;
  await driver.executeQuery(
    "MATCH (n:BrainNode) WHERE n.projectId IS NULL SET n.projectId = $projectId",
    { projectId: LEGACY_PROJECT_ID },
    { routing: neo4j.routing.WRITE },
  );
  for (const name of LEGACY_CONSTRAINTS)
    await driver.executeQuery(`DROP CONSTRAINT ${name} IF EXISTS`, {}, { routing: neo4j.routing.WRITE });
  for (const name of LEGACY_INDEXES)
    await driver.executeQuery(`DROP INDEX ${name} IF EXISTS`, {}, { routing: neo4j.routing.WRITE });
}

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
    await moveLegacyNodes(driver);
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
