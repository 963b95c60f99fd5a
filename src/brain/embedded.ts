/**
 * The Brain kept in one JSON file (a graphology multigraph, see graph-file.ts), for a single machine
 * without a graph server. Every node belongs to a project; all questions go through a project's view.
 */
import { assertId } from "../errors.js";
import { EmbeddedProjectBrain } from "./embedded-project.js";
import { countsOf } from "./embedded-validate.js";
import { GraphFile } from "./graph-file.js";
import type { Brain, BrainCounts, ProjectBrain } from "./types.js";

export { BRAIN_RULES } from "./rules.js";

export class EmbeddedBrain implements Brain {
  readonly name = "embedded";

  private constructor(private readonly store: GraphFile) {}

  /** Opens (or creates) the file; nodes written before projects existed move to the legacy project. */
  static async open(options: { file: string }): Promise<EmbeddedBrain> {
    return new EmbeddedBrain(await GraphFile.open(options.file));
  }

  forProject(projectId: string): ProjectBrain {
    return new EmbeddedProjectBrain(this.store, assertId(projectId, "projectId"));
  }

  counts(): Promise<BrainCounts> {
    return this.store.read((graph) => countsOf(graph, null));
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
