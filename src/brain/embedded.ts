/**
 * The Brain kept in one JSON file (a graphology multigraph), for a single machine without a graph server.
 * Several CLI processes may share the file, so every write runs under a file lock on a freshly loaded copy
 * and replaces the file atomically; a change that fails midway never reaches the disk.
 */
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { MultiDirectedGraph } from "graphology";
import type { AbstractGraph, SerializedGraph } from "graphology-types";
import lockfile from "proper-lockfile";
import { CutroomError, assertId } from "../errors.js";
import type { TakeStatus } from "../domain.js";
import type {
  Brain,
  BrainCounts,
  BrainViolation,
  CharacterNode,
  CharacterView,
  LocationNode,
  QualityReportNode,
  ReferenceNode,
  RequestNode,
  TakeView,
  TakeWrite,
  VideoNode,
} from "./types.js";

/** What each validation rule asserts; shared by the docs and any other Brain implementation. */
export const BRAIN_RULES: Record<BrainViolation["rule"], string> = {
  "take-exists": "The take id names a Video node.",
  "take-has-request": "A Request PRODUCED the Video.",
  "depicts-known-character": "Every DEPICTS relationship of the Video ends at a Character.",
  "set-in-known-location": "Every SET_IN relationship of the Video ends at a Location.",
  graded: "The Video is GRADED_BY a QualityReport.",
  "reference-exists": "Every USES_REFERENCE relationship of the Video ends at a Reference.",
  "regenerated-from-exists": "A REGENERATED_FROM relationship of the Video ends at another Video.",
  "object-exists": "The Video's object key exists in the object store (checked by the caller, which holds the store).",
};

type Label = "Character" | "Location" | "Reference" | "Request" | "Video" | "QualityReport";
type RelationshipType =
  "HAS_REFERENCE" | "PRODUCED" | "DEPICTS" | "SET_IN" | "USES_REFERENCE" | "GRADED_BY" | "REGENERATED_FROM";
// Type aliases (not interfaces) so they satisfy graphology's index-signature Attributes constraint.
type NodeAttributes = { label: Label; props: object };
type EdgeAttributes = { type: RelationshipType };
type BrainGraph = AbstractGraph<NodeAttributes, EdgeAttributes>;

/** The label each outgoing relationship of a take must end at, and the rule broken when it does not. */
const TARGET_RULES: Partial<Record<RelationshipType, { label: Label; rule: BrainViolation["rule"] }>> = {
  DEPICTS: { label: "Character", rule: "depicts-known-character" },
  SET_IN: { label: "Location", rule: "set-in-known-location" },
  USES_REFERENCE: { label: "Reference", rule: "reference-exists" },
  REGENERATED_FROM: { label: "Video", rule: "regenerated-from-exists" },
};

const FORMAT = "cutroom-brain";
// The version is written first so a change can be detected from the file's opening bytes alone.
const VERSION_HEADER = /^\{"version":(\d+)/;
const HEADER_BYTES = 64;
const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
};

const newGraph = (): BrainGraph => new MultiDirectedGraph<NodeAttributes, EdgeAttributes>();
const normalName = (name: string): string => name.trim().toLowerCase();

export class EmbeddedBrain implements Brain {
  readonly name = "embedded";
  private graph: BrainGraph = newGraph();
  private version = 0;
  private fingerprint: string | null = null;
  // One operation at a time per instance; other processes are kept out by the file lock.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(options: { file: string }): Promise<EmbeddedBrain> {
    const brain = new EmbeddedBrain(resolve(options.file));
    await mkdir(dirname(brain.file), { recursive: true });
    await brain.serialized(async () => {
      if (await brain.refresh()) return;
      await brain.withLock(async (assertHeld) => {
        if (!(await brain.refresh())) await brain.persist(newGraph(), assertHeld);
      });
    });
    return brain;
  }

  findCharacterByName(name: string): Promise<CharacterNode | null> {
    return this.read((graph) => findByName<CharacterNode>(graph, "Character", name));
  }

  saveCharacter(character: CharacterNode): Promise<CharacterNode> {
    return this.mutate((draft) => {
      assertId(character.id, "character.id");
      assertNameFree(draft, "Character", character.id, character.name);
      upsertNode(draft, character.id, "Character", character);
      return structuredClone(character);
    });
  }

  findLocationByName(name: string): Promise<LocationNode | null> {
    return this.read((graph) => findByName<LocationNode>(graph, "Location", name));
  }

  saveLocation(location: LocationNode): Promise<LocationNode> {
    return this.mutate((draft) => {
      assertId(location.id, "location.id");
      assertNameFree(draft, "Location", location.id, location.name);
      upsertNode(draft, location.id, "Location", location);
      return structuredClone(location);
    });
  }

  saveReference(reference: ReferenceNode, ownerId: string): Promise<void> {
    return this.mutate((draft) => {
      assertId(reference.id, "reference.id");
      const ownerLabel = reference.kind === "character-master" ? "Character" : "Location";
      requireLabel(draft, ownerId, ownerLabel, `own a ${reference.kind} reference`);
      upsertNode(draft, reference.id, "Reference", reference);
      link(draft, "HAS_REFERENCE", ownerId, reference.id);
    });
  }

  referencesOf(ownerId: string): Promise<ReferenceNode[]> {
    return this.read((graph) =>
      graph.hasNode(ownerId) ? related<ReferenceNode>(graph, ownerId, "out", "HAS_REFERENCE", "Reference") : [],
    );
  }

  recordTake(write: TakeWrite): Promise<void> {
    return this.mutate((draft) => {
      const videoId = assertId(write.video.id, "video.id");
      const requestId = assertId(write.request.id, "request.id");
      const reportId = assertId(write.report.id, "report.id");
      if (write.video.requestId !== requestId) {
        throw new CutroomError(
          "BRAIN_VALIDATION",
          `video ${videoId} names request ${write.video.requestId} but the take carries request ${requestId}; pass the same request`,
        );
      }
      // Every link target is checked before anything is added, so a refused take changes nothing.
      for (const id of write.characterIds) requireLabel(draft, id, "Character", "be DEPICTED");
      if (write.locationId !== null) requireLabel(draft, write.locationId, "Location", "be SET_IN");
      for (const id of write.referenceIds) requireLabel(draft, id, "Reference", "be USED as a reference");
      if (write.regeneratedFromId !== null) {
        if (write.regeneratedFromId === videoId)
          throw new CutroomError("BRAIN_VALIDATION", `take ${videoId} cannot be REGENERATED_FROM itself`);
        requireLabel(draft, write.regeneratedFromId, "Video", "be REGENERATED_FROM");
      }
      upsertNode(draft, requestId, "Request", write.request);
      upsertNode(draft, videoId, "Video", write.video);
      upsertNode(draft, reportId, "QualityReport", write.report);
      link(draft, "PRODUCED", requestId, videoId);
      link(draft, "GRADED_BY", videoId, reportId);
      for (const id of write.characterIds) link(draft, "DEPICTS", videoId, id);
      if (write.locationId !== null) link(draft, "SET_IN", videoId, write.locationId);
      for (const id of write.referenceIds) link(draft, "USES_REFERENCE", videoId, id);
      if (write.regeneratedFromId !== null) link(draft, "REGENERATED_FROM", videoId, write.regeneratedFromId);
    });
  }

  setTakeStatus(takeId: string, status: TakeStatus, reason: string | null): Promise<void> {
    return this.mutate((draft) => {
      const video = propsOf<VideoNode>(draft, takeId, "Video");
      if (video === null)
        throw new CutroomError("NOT_FOUND", `take ${takeId} is not in the brain; list takes to find its id`);
      const updated: VideoNode = { ...video, status, statusReason: reason, updatedAt: new Date().toISOString() };
      draft.replaceNodeAttributes(takeId, { label: "Video", props: updated });
    });
  }

  getTake(takeId: string): Promise<TakeView | null> {
    return this.read((graph) => {
      const video = propsOf<VideoNode>(graph, takeId, "Video");
      if (video === null) return null;
      const request =
        related<RequestNode>(graph, takeId, "in", "PRODUCED", "Request")[0] ??
        propsOf<RequestNode>(graph, video.requestId, "Request");
      if (request === null) {
        throw new CutroomError(
          "BRAIN_VALIDATION",
          `take ${takeId} has no request in the brain; validate the take to see what is inconsistent`,
        );
      }
      return {
        video,
        request,
        report: related<QualityReportNode>(graph, takeId, "out", "GRADED_BY", "QualityReport")[0] ?? null,
        characters: related<CharacterNode>(graph, takeId, "out", "DEPICTS", "Character"),
        location: related<LocationNode>(graph, takeId, "out", "SET_IN", "Location")[0] ?? null,
        references: related<ReferenceNode>(graph, takeId, "out", "USES_REFERENCE", "Reference"),
        regeneratedFrom: related<VideoNode>(graph, takeId, "out", "REGENERATED_FROM", "Video")[0]?.id ?? null,
        regeneratedInto: related<VideoNode>(graph, takeId, "in", "REGENERATED_FROM", "Video")
          .sort(byCreatedAt)
          .map((take) => take.id),
      };
    });
  }

  characterView(name: string): Promise<CharacterView | null> {
    return this.read((graph) => {
      const character = findByName<CharacterNode>(graph, "Character", name);
      if (character === null) return null;
      const takes = related<VideoNode>(graph, character.id, "in", "DEPICTS", "Video")
        .sort((left, right) => byCreatedAt(right, left))
        .map((take) => ({ id: take.id, status: take.status, overall: take.grade.overall, createdAt: take.createdAt }));
      return {
        character,
        references: related<ReferenceNode>(graph, character.id, "out", "HAS_REFERENCE", "Reference"),
        takes,
      };
    });
  }

  validateTake(takeId: string): Promise<BrainViolation[]> {
    return this.read((graph) => {
      if (propsOf(graph, takeId, "Video") === null)
        return [{ rule: "take-exists", message: `take ${takeId} is not a Video in the brain` }];
      const violations: BrainViolation[] = [];
      let produced = false;
      let graded = false;
      graph.forEachInEdge(takeId, (_edge, { type }, _source, _target, sourceAttributes) => {
        if (type === "PRODUCED" && sourceAttributes.label === "Request") produced = true;
      });
      if (!produced) violations.push({ rule: "take-has-request", message: `no Request PRODUCED take ${takeId}` });
      graph.forEachOutEdge(takeId, (_edge, { type }, _source, target, _sourceAttributes, targetAttributes) => {
        if (type === "GRADED_BY" && targetAttributes.label === "QualityReport") graded = true;
        const expected = TARGET_RULES[type];
        if (expected !== undefined && (targetAttributes.label !== expected.label || target === takeId)) {
          const message = `take ${takeId} has ${type} to ${target}, which is not a known ${expected.label}`;
          violations.push({ rule: expected.rule, message });
        }
      });
      if (!graded) violations.push({ rule: "graded", message: `take ${takeId} is not GRADED_BY a QualityReport` });
      return violations;
    });
  }

  counts(): Promise<BrainCounts> {
    return this.read((graph) => {
      const nodes: Record<string, number> = {};
      const relationships: Record<string, number> = {};
      graph.forEachNode((_node, { label }) => (nodes[label] = (nodes[label] ?? 0) + 1));
      graph.forEachEdge((_edge, { type }) => (relationships[type] = (relationships[type] ?? 0) + 1));
      return { nodes, relationships };
    });
  }

  async close(): Promise<void> {
    await this.serialized(async () => undefined);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private read<T>(query: (graph: BrainGraph) => T): Promise<T> {
    return this.serialized(async () => {
      await this.refresh();
      return query(this.graph);
    });
  }

  private mutate<T>(change: (draft: BrainGraph) => T): Promise<T> {
    return this.serialized(() =>
      this.withLock(async (assertHeld) => {
        await this.refresh();
        // The change runs on a copy: if it throws, neither the file nor this instance's graph has changed.
        const draft = this.graph.copy();
        const result = change(draft);
        await this.persist(draft, assertHeld);
        return result;
      }),
    );
  }

  private async withLock<T>(work: (assertHeld: () => void) => Promise<T>): Promise<T> {
    const lockState: { compromised: Error | null } = { compromised: null };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        ...LOCK_OPTIONS,
        onCompromised: (error) => (lockState.compromised = error),
      });
    } catch (error) {
      throw new CutroomError(
        "STORAGE",
        `could not lock the brain file ${this.file}: ${messageOf(error)}; if no cutroom process is running, remove ${this.file}.lock`,
        { cause: error },
      );
    }
    const assertHeld = (): void => {
      if (lockState.compromised !== null) {
        throw new CutroomError(
          "STORAGE",
          `lost the lock on ${this.file} (${lockState.compromised.message}); nothing was written, retry`,
          { cause: lockState.compromised },
        );
      }
    };
    try {
      return await work(assertHeld);
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** Loads the file when it is not the one last loaded. Returns false when there is no file. */
  private async refresh(): Promise<boolean> {
    let handle;
    try {
      handle = await open(this.file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw storageError(this.file, error);
      [this.graph, this.version, this.fingerprint] = [newGraph(), 0, null];
      return false;
    }
    try {
      const fingerprint = await fingerprintOf(handle);
      if (fingerprint === this.fingerprint) return true;
      const parsed = parseBrainFile(await handle.readFile({ encoding: "utf8" }), this.file);
      [this.graph, this.version, this.fingerprint] = [parsed.graph, parsed.version, fingerprint];
      return true;
    } finally {
      await handle.close();
    }
  }

  private async persist(graph: BrainGraph, assertHeld: () => void): Promise<void> {
    const version = this.version + 1;
    const text = JSON.stringify({ version, format: FORMAT, graph: graph.export() });
    const temporary = `${this.file}.tmp-${process.pid}`;
    try {
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      assertHeld();
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error instanceof CutroomError ? error : storageError(this.file, error);
    }
    await syncDirectory(dirname(this.file));
    const handle = await open(this.file, "r");
    const fingerprint = await fingerprintOf(handle).finally(() => handle.close());
    [this.graph, this.version, this.fingerprint] = [graph, version, fingerprint];
  }
}

/** Identity, size, time and the stored version together: timestamps alone are too coarse for quick writes. */
async function fingerprintOf(handle: FileHandle): Promise<string> {
  const stats = await handle.stat({ bigint: true });
  const header = Buffer.alloc(HEADER_BYTES);
  // A positioned read leaves the handle's offset at 0 for a following readFile.
  const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
  const version = VERSION_HEADER.exec(header.toString("utf8", 0, bytesRead))?.[1] ?? "none";
  return `${stats.ino}:${stats.size}:${stats.mtimeNs}:${version}`;
}

function parseBrainFile(text: string, file: string): { graph: BrainGraph; version: number } {
  try {
    const data = JSON.parse(text) as { version?: unknown; graph?: SerializedGraph<NodeAttributes, EdgeAttributes> };
    const graph = newGraph();
    graph.import(data.graph ?? {});
    return { graph, version: typeof data.version === "number" ? data.version : 0 };
  } catch (error) {
    throw new CutroomError(
      "STORAGE",
      `the brain file ${file} is not a readable graph (${messageOf(error)}); restore it from a backup or move it aside to start empty`,
      { cause: error },
    );
  }
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable; some filesystems refuse to fsync a directory, which is harmless.
  try {
    const handle = await open(directory, "r");
    await handle.sync().finally(() => handle.close());
  } catch {
    return;
  }
}

function propsOf<T>(graph: BrainGraph, id: string, label: Label): T | null {
  if (!graph.hasNode(id)) return null;
  const attributes = graph.getNodeAttributes(id);
  return attributes.label === label ? (structuredClone(attributes.props) as T) : null;
}

function findByName<T extends { name: string }>(graph: BrainGraph, label: Label, name: string): T | null {
  const wanted = normalName(name);
  const id = graph.findNode(
    (_node, attributes) =>
      attributes.label === label && normalName(String((attributes.props as { name?: unknown }).name ?? "")) === wanted,
  );
  return id === undefined ? null : propsOf<T>(graph, id, label);
}

function related<T>(graph: BrainGraph, id: string, direction: "in" | "out", type: RelationshipType, label: Label): T[] {
  const found: T[] = [];
  const collect = (edge: EdgeAttributes, neighbor: NodeAttributes): void => {
    if (edge.type === type && neighbor.label === label) found.push(structuredClone(neighbor.props) as T);
  };
  if (direction === "out")
    graph.forEachOutEdge(id, (_key, edge, _source, _target, _sourceAttributes, targetAttributes) =>
      collect(edge, targetAttributes),
    );
  else graph.forEachInEdge(id, (_key, edge, _source, _target, sourceAttributes) => collect(edge, sourceAttributes));
  return found;
}

function upsertNode(graph: BrainGraph, id: string, label: Label, props: object): void {
  if (graph.hasNode(id)) {
    const existing = graph.getNodeAttribute(id, "label");
    if (existing !== label)
      throw new CutroomError(
        "BRAIN_VALIDATION",
        `id ${id} already names a ${existing}, not a ${label}; use a fresh id`,
      );
    // Replacing (never mutating) the attributes keeps copies that share attribute objects independent.
    graph.replaceNodeAttributes(id, { label, props: structuredClone(props) });
  } else {
    graph.addNode(id, { label, props: structuredClone(props) });
  }
}

/** MERGE semantics: a relationship of one type between two nodes exists at most once. */
function link(graph: BrainGraph, type: RelationshipType, source: string, target: string): void {
  const exists = graph.outEdges(source, target).some((edge) => graph.getEdgeAttribute(edge, "type") === type);
  if (!exists) graph.addDirectedEdgeWithKey(`${type}:${source}->${target}`, source, target, { type });
}

function requireLabel(graph: BrainGraph, id: string, label: Label, purpose: string): void {
  if (propsOf(graph, id, label) === null) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${id} is not a known ${label}, so it cannot ${purpose}; save the ${label} first`,
    );
  }
}

function assertNameFree(graph: BrainGraph, label: Label, id: string, name: string): void {
  if (normalName(name) === "")
    throw new CutroomError("INVALID_INPUT", `a ${label} needs a non-empty name`, { field: "name" });
  const holder = findByName<{ id: string; name: string }>(graph, label, name);
  if (holder !== null && holder.id !== id) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${label} name "${name}" already belongs to ${holder.id}; reuse that ${label} or pick another name`,
    );
  }
}

function byCreatedAt(left: { createdAt: string; id: string }, right: { createdAt: string; id: string }): number {
  return left.createdAt === right.createdAt
    ? left.id.localeCompare(right.id)
    : left.createdAt.localeCompare(right.createdAt);
}

function storageError(file: string, error: unknown): CutroomError {
  return new CutroomError(
    "STORAGE",
    `brain file ${file}: ${messageOf(error)}; check the data directory's permissions and free space`,
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
