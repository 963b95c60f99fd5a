/**
 * Start-up reachability of the data services the config chose (Neo4j, MongoDB, Redis), for `cutroom doctor`:
 * each unreachable one is named with its address and what to set.
 */
import { adapterFor, type Config } from "./config.js";

// Each client library is loaded only when its service is configured: `cutroom doctor` on the embedded
// defaults must not pay for loading neo4j-driver, mongodb and bullmq.

export interface ServiceCheck {
  service: "neo4j" | "mongodb" | "redis";
  address: string;
  reachable: boolean;
  message: string;
}

async function checkNeo4j(uri: string, user: string, password: string): Promise<void> {
  const { default: neo4j } = await import("neo4j-driver");
  const { unreachable } = await import("./brain/neo4j/connection.js");
  const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), { connectionTimeout: 5_000 });
  try {
    await driver.verifyConnectivity();
  } catch (error) {
    throw unreachable(uri, error);
  } finally {
    await driver.close();
  }
}

async function outcome(
  service: ServiceCheck["service"],
  address: string,
  check: () => Promise<void>,
): Promise<ServiceCheck> {
  try {
    await check();
    return { service, address, reachable: true, message: "reachable" };
  } catch (error) {
    return { service, address, reachable: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export async function checkDataServices(config: Config): Promise<ServiceCheck[]> {
  const { env } = config;
  const checks: Array<Promise<ServiceCheck>> = [];
  if (adapterFor(config, "brain") === "neo4j") {
    const uri = env.NEO4J_URI!;
    checks.push(
      outcome("neo4j", uri, () =>
        env.NEO4J_PASSWORD === undefined
          ? Promise.reject(new Error("NEO4J_PASSWORD is not set: set it (and NEO4J_USER if not neo4j)"))
          : checkNeo4j(uri, env.NEO4J_USER ?? "neo4j", env.NEO4J_PASSWORD),
      ),
    );
  }
  if (adapterFor(config, "mediaRepository") === "mongodb" || adapterFor(config, "checkpointer") === "mongodb") {
    const uri = env.MONGODB_URI!;
    const { connectMongo, redactUri } = await import("./storage/mongo/client.js");
    checks.push(outcome("mongodb", redactUri(uri), async () => (await connectMongo(uri)).close()));
  }
  if (adapterFor(config, "jobQueue") === "bullmq") {
    const url = env.REDIS_URL!;
    const { checkRedis, redactRedisUrl } = await import("./jobs/bullmq.js");
    checks.push(outcome("redis", redactRedisUrl(url), () => checkRedis(url)));
  }
  return Promise.all(checks);
}
