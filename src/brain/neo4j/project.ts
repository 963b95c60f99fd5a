/**
 * One project's view of the Brain on Neo4j. Every query gets the project as $projectId and names it on
 * every node it matches or merges, so an id or name of another project answers as a missing one. MERGE on
 * (projectId, id) makes a retried write a no-op instead of a duplicate. A node keeps its whole document as
 * JSON in `json`, with the fields queries filter or sort on as properties beside it.
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { TakeStatus } from "../../domain.js";
import { CutroomError, assertId } from "../../errors.js";
import {
  pageOfTakes,
  pageOfThreads,
  type LibraryTake,
  type LibraryThread,
  type Page,
  type TakeListQuery,
  type ThreadListQuery,
} from "../library.js";
import { provenanceOf } from "../provenance.js";
import { REQUIRED_INCOMING, REQUIRED_OUTGOING, TARGET_RULES, normalName, type Label } from "../rules.js";
import { ownerLabelOf } from "../types.js";
import type {
  BrainCounts,
  BrainViolation,
  CaptionsNode,
  CharacterNode,
  CharacterView,
  ContactSheetNode,
  LocationNode,
  LocationView,
  ProjectBrain,
  ReferenceNode,
  SceneView,
  RequestTakesView,
  TakeProvenance,
  TakeView,
  TakeWrite,
} from "../types.js";
import type { Neo4jAccess } from "./access.js";
import { assertLabels, nameTaken, requireTargets } from "./guards.js";
import * as Q from "./queries.js";
import {
  characterViewOf,
  libraryRowOf,
  locationViewOf,
  parse,
  propertiesOf,
  requestTakesOf,
  sceneViewOf,
  takeViewOf,
  violationsOf,
  type Row,
} from "./rows.js";

export class Neo4jProjectBrain implements ProjectBrain {
  readonly name = "neo4j";

  constructor(
    private readonly access: Neo4jAccess,
    readonly projectId: string,
  ) {}

  async findCharacterByName(name: string): Promise<CharacterNode | null> {
    const rows = await this.read(Q.FIND_BY_NAME("Character"), { nameKey: normalName(name) });
    return rows[0] ? parse<CharacterNode>(rows[0].json) : null;
  }

  saveCharacter(character: CharacterNode): Promise<CharacterNode> {
    return this.saveNamed("Character", character).then(() => structuredClone(character));
  }

  async findLocationByName(name: string): Promise<LocationNode | null> {
    const rows = await this.read(Q.FIND_BY_NAME("Location"), { nameKey: normalName(name) });
    return rows[0] ? parse<LocationNode>(rows[0].json) : null;
  }

  saveLocation(location: LocationNode): Promise<LocationNode> {
    return this.saveNamed("Location", location).then(() => structuredClone(location));
  }

  async saveReference(reference: ReferenceNode, ownerId: string | null): Promise<void> {
    assertId(reference.id, "reference.id");
    const ownerLabel = ownerLabelOf(reference.kind);
    if (ownerLabel !== null && ownerId === null)
      throw new CutroomError("BRAIN_VALIDATION", `a ${reference.kind} reference needs its ${ownerLabel}`);
    const madeFrom = reference.madeFrom ?? [];
    await this.access.write(async (tx) => {
      await requireTargets(tx, this.projectId, [
        ...(ownerLabel === null
          ? []
          : [{ id: ownerId!, label: ownerLabel, purpose: `own a ${reference.kind} reference` }]),
        ...madeFrom.map((id) => ({ id, label: "Reference" as Label, purpose: "be a reference MADE_FROM" })),
      ]);
      await assertLabels(tx, this.projectId, [{ id: reference.id, label: "Reference" }]);
      await this.run(tx, Q.UPSERT("Reference"), { id: reference.id, props: propertiesOf("Reference", reference) });
      if (ownerLabel !== null) await this.run(tx, Q.LINK_HAS_REFERENCE, { ownerId, referenceId: reference.id });
      if (madeFrom.length > 0) await this.run(tx, Q.LINK_MADE_FROM, { referenceId: reference.id, madeFrom });
    });
  }

  async detachReference(ownerId: string, referenceId: string): Promise<boolean> {
    const removed = await this.access.write(async (tx) => {
      const result = await this.run(tx, Q.UNLINK_HAS_REFERENCE, { ownerId, referenceId });
      return Number(result.records[0]?.get("removed") ?? 0);
    });
    return removed > 0;
  }

  async referencesOf(ownerId: string): Promise<ReferenceNode[]> {
    const rows = await this.read(Q.REFERENCES_OF, { ownerId });
    return rows.map((row) => parse<ReferenceNode>(row.json));
  }

  async recordTake(write: TakeWrite): Promise<void> {
    const videoId = assertId(write.video.id, "video.id");
    const requestId = assertId(write.request.id, "request.id");
    const reportId = assertId(write.report.id, "report.id");
    if (write.video.requestId !== requestId) {
      throw new CutroomError(
        "BRAIN_VALIDATION",
        `video ${videoId} names request ${write.video.requestId} but the take carries request ${requestId}; pass the same request`,
      );
    }
    if (write.regeneratedFromId === videoId)
      throw new CutroomError("BRAIN_VALIDATION", `take ${videoId} cannot be REGENERATED_FROM itself`);
    // One transaction: every target is checked, then every node and relationship is merged, or nothing is.
    await this.access.write(async (tx) => {
      await requireTargets(tx, this.projectId, [
        ...write.characterIds.map((id) => ({ id, label: "Character" as const, purpose: "be DEPICTED" })),
        ...(write.locationId === null
          ? []
          : [{ id: write.locationId, label: "Location" as const, purpose: "be SET_IN" }]),
        ...write.referenceIds.map((id) => ({ id, label: "Reference" as const, purpose: "be USED as a reference" })),
        ...(write.regeneratedFromId === null
          ? []
          : [{ id: write.regeneratedFromId, label: "Video" as const, purpose: "be REGENERATED_FROM" }]),
      ]);
      await assertLabels(tx, this.projectId, [
        { id: requestId, label: "Request" },
        { id: videoId, label: "Video" },
        { id: reportId, label: "QualityReport" },
      ]);
      await this.run(tx, Q.RECORD_TAKE, {
        requestId,
        videoId,
        reportId,
        request: propertiesOf("Request", write.request),
        video: propertiesOf("Video", write.video),
        report: propertiesOf("QualityReport", write.report),
        characterIds: write.characterIds,
        locationIds: write.locationId === null ? [] : [write.locationId],
        referenceIds: write.referenceIds,
        regeneratedFromIds: write.regeneratedFromId === null ? [] : [write.regeneratedFromId],
      });
      if (write.scene) {
        const { clips, audio, ...scene } = write.scene;
        await this.run(tx, Q.RECORD_SCENE, {
          videoId,
          sceneId: assertId(scene.id, "scene.id"),
          scene: { json: JSON.stringify(scene) },
          clips: clips.map((clip) => ({
            id: assertId(clip.id, "scene.clips.id"),
            props: { json: JSON.stringify(clip), shotIndex: clip.shotIndex },
          })),
          audio: audio.map((track) => ({
            id: assertId(track.id, "scene.audio.id"),
            props: { json: JSON.stringify(track), type: track.type },
          })),
        });
      }
      if (write.captions) {
        const captionsId = assertId(write.captions.id, "captions.id");
        await assertLabels(tx, this.projectId, [{ id: captionsId, label: "Captions" }]);
        await this.run(tx, Q.RECORD_CAPTIONS, {
          videoId,
          captionsId,
          captions: propertiesOf("Captions", write.captions),
        });
      }
      if (write.contactSheet) {
        const sheetId = assertId(write.contactSheet.id, "contactSheet.id");
        await assertLabels(tx, this.projectId, [{ id: sheetId, label: "ContactSheet" }]);
        await this.run(tx, Q.RECORD_CONTACT_SHEET, {
          videoId,
          sheetId,
          sheet: propertiesOf("ContactSheet", write.contactSheet),
        });
      }
    });
  }

  async contactSheetOf(takeId: string): Promise<ContactSheetNode | null> {
    const [row] = await this.read(Q.CONTACT_SHEET_OF, { id: takeId });
    return row ? parse<ContactSheetNode>(row.json) : null;
  }

  async listTakes(query: TakeListQuery): Promise<Page<LibraryTake>> {
    return pageOfTakes((await this.read(Q.LIBRARY_ROWS, {})).map(libraryRowOf), query);
  }

  async listThreads(query: ThreadListQuery): Promise<Page<LibraryThread>> {
    return pageOfThreads((await this.read(Q.LIBRARY_ROWS, {})).map(libraryRowOf), query);
  }

  async captionsOf(takeId: string): Promise<CaptionsNode | null> {
    const [row] = await this.read(Q.CAPTIONS_OF, { id: takeId });
    return row ? parse<CaptionsNode>(row.json) : null;
  }

  async setTakeStatus(takeId: string, status: TakeStatus, reason: string | null): Promise<void> {
    const found = await this.access.write(async (tx) => {
      const result = await this.run(tx, Q.SET_STATUS, { id: takeId, status, reason, now: new Date().toISOString() });
      return result.records.length;
    });
    if (found === 0)
      throw new CutroomError("NOT_FOUND", `take ${takeId} is not in the brain; list takes to find its id`);
  }

  async getTake(takeId: string): Promise<TakeView | null> {
    const row = (await this.read(Q.GET_TAKE, { id: takeId }))[0];
    if (row === undefined) return null;
    if (row.request === null) {
      throw new CutroomError(
        "BRAIN_VALIDATION",
        `take ${takeId} has no request in the brain; validate the take to see what is inconsistent`,
      );
    }
    return takeViewOf(row);
  }

  async characterView(name: string): Promise<CharacterView | null> {
    const row = (await this.read(Q.CHARACTER_VIEW, { nameKey: normalName(name) }))[0];
    return row === undefined ? null : characterViewOf(row);
  }

  async locationView(name: string): Promise<LocationView | null> {
    const row = (await this.read(Q.LOCATION_VIEW, { nameKey: normalName(name) }))[0];
    return row === undefined ? null : locationViewOf(row);
  }

  async requestTakes(requestId: string): Promise<RequestTakesView | null> {
    const row = (await this.read(Q.REQUEST_TAKES, { id: requestId }))[0];
    return row === undefined ? null : requestTakesOf(row);
  }

  async sceneOf(takeId: string): Promise<SceneView | null> {
    const [row] = await this.read(Q.SCENE_OF, { id: takeId });
    return row ? sceneViewOf(row) : null;
  }

  async why(takeId: string): Promise<TakeProvenance | null> {
    const view = await this.getTake(takeId);
    return view === null ? null : provenanceOf(view);
  }

  async validateTake(takeId: string): Promise<BrainViolation[]> {
    const row = (
      await this.read(Q.VALIDATE_TAKE, {
        id: takeId,
        targets: TARGET_RULES.map(({ type, label }) => ({ type, label })),
        incoming: REQUIRED_INCOMING.map(({ type, label }) => ({ type, label })),
        outgoing: REQUIRED_OUTGOING.map(({ type, label }) => ({ type, label })),
      })
    )[0];
    return violationsOf(row, takeId);
  }

  counts(): Promise<BrainCounts> {
    return countsIn(this.access, this.projectId);
  }

  private async saveNamed(label: "Character" | "Location", node: CharacterNode | LocationNode): Promise<void> {
    assertId(node.id, `${label.toLowerCase()}.id`);
    const nameKey = normalName(node.name);
    if (nameKey === "") throw new CutroomError("INVALID_INPUT", `a ${label} needs a non-empty name`, { field: "name" });
    await this.access.write(async (tx) => {
      const holder = (await this.run(tx, Q.FIND_BY_NAME(label), { nameKey })).records[0]?.get("id") as
        string | undefined;
      if (holder !== undefined && holder !== node.id) throw nameTaken(label, node.name, holder);
      await assertLabels(tx, this.projectId, [{ id: node.id, label }]);
      await this.run(tx, Q.UPSERT(label), { id: node.id, props: propertiesOf(label, node) });
    });
  }

  private read(query: string, parameters: Row): Promise<Row[]> {
    return this.access.read(query, { ...parameters, projectId: this.projectId });
  }

  private run(tx: ManagedTransaction, query: string, parameters: Row) {
    return tx.run(query, { ...parameters, projectId: this.projectId });
  }
}

/** Nodes by label and relationships by type, of one project or (null) of all. */
export async function countsIn(access: Neo4jAccess, projectId: string | null): Promise<BrainCounts> {
  const nodes: Record<string, number> = {};
  const relationships: Record<string, number> = {};
  for (const row of await access.read(Q.COUNT_NODES, { projectId })) nodes[row.label as string] = row.count as number;
  for (const row of await access.read(Q.COUNT_RELATIONSHIPS, { projectId }))
    relationships[row.type as string] = row.count as number;
  return { nodes, relationships };
}
