// Import rules for src/, checked by `npm run lint:deps` (part of `npm run lint`).
/* global module */
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "A module must not reach itself through its imports, type-only imports included: a circle ties the " +
        "layers together and makes load order matter. Move the shared piece into a lower module that both import.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // `import type` and type-only re-exports count: they tie modules together as much as value imports do,
    // even though tsc erases them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: ["node_modules"] },
    includeOnly: "^src/",
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
