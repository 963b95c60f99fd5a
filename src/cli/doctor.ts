/** `cutroom doctor`: which adapter serves each port, which tools are installed, which services answer. */
import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { loadConfig } from "../config.js";
import { ffprobeBinary } from "../media/runner.js";
import { checkDataServices } from "../reachability.js";
import { parse } from "./args.js";

type Write = (json: boolean, document: unknown, text: string) => void;

export async function doctorCommand(argv: string[], write: Write): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) {
    process.stdout.write(
      "cutroom doctor [--json]\n  Shows which adapter serves each port and which variable decided it.\n",
    );
    return 0;
  }
  const config = loadConfig();
  const installed = (name: string) =>
    ["/usr/bin", "/usr/local/bin", "/bin"].some((dir) => existsSync(`${dir}/${name}`));
  // Probes run the ffprobe npm installed (or FFPROBE_PATH) when there is one, else the system's.
  const ffprobe = ffprobeBinary();
  const tools = ["ffmpeg", "ffprobe", "espeak-ng"].map((name) =>
    name === "ffprobe" && isAbsolute(ffprobe)
      ? { name, found: existsSync(ffprobe), path: ffprobe }
      : { name, found: installed(name) },
  );
  const services = await checkDataServices(config);
  const text = [
    `data dir: ${config.dataDir}`,
    `project: ${config.projectId}`,
    ...config.adapters.map((choice) => `${choice.port.padEnd(16)} ${choice.adapter.padEnd(18)} ${choice.reason}`),
    ...tools.map(
      (item) =>
        `${item.name.padEnd(16)} ${item.found ? `found${"path" in item ? ` (${item.path})` : ""}` : "MISSING: run ./scripts/setup.sh"}`,
    ),
    ...services.map(
      (item) =>
        `${item.service.padEnd(16)} ${item.reachable ? `reachable at ${item.address}` : `UNREACHABLE: ${item.message}`}`,
    ),
  ].join("\n");
  write(
    values.json === true,
    { dataDir: config.dataDir, projectId: config.projectId, adapters: config.adapters, tools, services },
    text,
  );
  return tools.every((item) => item.found || item.name === "espeak-ng") && services.every((item) => item.reachable)
    ? 0
    : 1;
}
