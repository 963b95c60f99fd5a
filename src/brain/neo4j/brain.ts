/**
 * The Brain on Neo4j. Every node carries its project; all questions about characters, takes and
 * references go through a project's view (project.ts), which names the project in every query.
 */
import { assertId } from "../../errors.js";
import type { Brain, BrainCounts, ProjectBrain } from "../types.js";
import { Neo4jAccess } from "./access.js";
import { connectNeo4j, type Neo4jOptions } from "./connection.js";
import { countsIn, Neo4jProjectBrain } from "./project.js";

export class Neo4jBrain implements Brain {
  readonly name = "neo4j";

  private constructor(private readonly access: Neo4jAccess) {}

  /** Connects and sets up the schema; nodes written before projects existed move to the legacy project. */
  static async open(options: Neo4jOptions): Promise<Neo4jBrain> {
    return new Neo4jBrain(new Neo4jAccess(await connectNeo4j(options), options.uri));
  }

  forProject(projectId: string): ProjectBrain {
    return new Neo4jProjectBrain(this.access, assertId(projectId, "projectId"));
  }

  counts(): Promise<BrainCounts> {
    return countsIn(this.access, null);
  }

  async close(): Promise<void> {
    await this.access.close();
  }
}
