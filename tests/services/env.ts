/**
 * The environment printed by scripts/services/up. Service suites skip, saying why, only when it is absent
 * on a developer's machine; in CI (CI=true) an absent environment is a failure, never a silent skip.
 */
export interface ServicesEnv {
  NEO4J_URI: string;
  NEO4J_USER: string;
  NEO4J_PASSWORD: string;
  MONGODB_URI: string;
  REDIS_URL: string;
  CUTROOM_SERVICES_DIR: string | null;
}

const REQUIRED = ["NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "MONGODB_URI", "REDIS_URL"] as const;

export function servicesEnv(): ServicesEnv | null {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    if (process.env.CI === "true") {
      throw new Error(`service tests need ${missing.join(", ")}: scripts/services/up did not run or failed`);
    }
    process.stderr.write(
      `service tests skipped: ${missing.join(", ")} not set; run eval "$(scripts/services/up)" first\n`,
    );
    return null;
  }
  return {
    NEO4J_URI: process.env.NEO4J_URI!,
    NEO4J_USER: process.env.NEO4J_USER!,
    NEO4J_PASSWORD: process.env.NEO4J_PASSWORD!,
    MONGODB_URI: process.env.MONGODB_URI!,
    REDIS_URL: process.env.REDIS_URL!,
    CUTROOM_SERVICES_DIR: process.env.CUTROOM_SERVICES_DIR ?? null,
  };
}

/** A database name of its own per suite run, so runs never see each other's documents. */
export function mongoUriFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export const NEO4J_OPTIONS = (env: ServicesEnv) => ({
  uri: env.NEO4J_URI,
  user: env.NEO4J_USER,
  password: env.NEO4J_PASSWORD,
});
