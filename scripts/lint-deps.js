#!/usr/bin/env node
// `npm run lint:deps`: checks src/ against the rules in .dependency-cruiser.cjs and exits non-zero on any
// violation. It calls dependency-cruiser's API rather than its `depcruise` command because that command
// refuses to start on Node 20, which this project still supports; the API itself runs there unchanged.
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const configFile = "./.dependency-cruiser.cjs";
const options = await extractDepcruiseOptions(configFile);
const tsConfigFile = options.ruleSet?.options?.tsConfig?.fileName;
const result = await cruise(
  ["src"],
  { ...options, validate: true, outputType: "err" },
  {},
  tsConfigFile ? { tsConfig: extractTSConfig(tsConfigFile) } : {},
);
process.stdout.write(String(result.output));
process.exitCode = result.exitCode === 0 ? 0 : 1;
