import { defineConfig } from "vitest/config";

// Three suites: units run anywhere in seconds; integration tests render real media, spawn the CLI
// and touch the file system, so they get long timeouts and run one file at a time on 2 cores; service
// tests need the servers of scripts/services/up.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          exclude: ["tests/**/*.int.test.ts", "tests/services/**"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "int",
          include: ["tests/**/*.int.test.ts"],
          exclude: ["tests/e2e/**"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // LangGraph's API server imports the graphs of langgraph.json (TypeScript) by path; processed
          // here it loads them as the tests load src/, where Node alone could not.
          server: { deps: { inline: ["@langchain/langgraph-api"] } },
        },
      },
      // HTTP API and a real browser (Debian chromium at /usr/bin/chromium): servers on 127.0.0.1, real renders.
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        // Real Neo4j, MongoDB-protocol and Redis servers (scripts/services/up), one file at a time.
        test: {
          name: "services",
          include: ["tests/services/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
