import { defineConfig } from "vitest/config";

// Two suites: units run anywhere in seconds; integration tests render real media, spawn the CLI
// and touch the file system, so they get long timeouts and run one file at a time on 2 cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          exclude: ["tests/**/*.int.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "int",
          include: ["tests/**/*.int.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
