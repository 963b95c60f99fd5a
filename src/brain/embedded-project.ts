/**
 * One project's view of the embedded Brain: every look-up, link and count is confined to the project's
 * nodes, so an id or name of another project answers as a missing one. Writes are all-or-nothing: a
 * refused take changes nothing on disk.
 */
import { CutroomError, assertId } from "../errors.js";
import type { TakeStatus } from "../domain.js";
import {
  assertNameFree,
  findByName,
  link,
  propsOf,
  related,
  requireLabel,
  unlink,
  upsertNode,
} from "./embedded-graph.js";
import type { GraphFile } from "./graph-file.js";
import type { BrainGraph } from "./graph-types.js";
import { byCreatedAt, provenanceOf } from "./provenance.js";
import { libraryRowsOf } from "./embedded-library.js";
import {
  pageOfTakes,
  pageOfThreads,
  type LibraryTake,
  type LibraryThread,
  type Page,
  type TakeListQuery,
  type ThreadListQuery,
} from "./library.js";
import { countsOf, violationsOf } from "./embedded-validate.js";
import {
  ownerLabelOf,
  type BrainCounts,
  type BrainViolation,
  type CaptionsNode,
  type CharacterNode,
  type CharacterView,
  type ContactSheetNode,
  type LocationNode,
  type LocationView,
  type ProjectBrain,
  type QualityReportNode,
  type ReferenceNode,
  type SceneView,
  type SceneWrite,
  type RequestNode,
  type RequestTakesView,
  type TakeProvenance,
  type TakeView,
  type TakeWrite,
  type VideoNode,
} from "./types.js";

export class EmbeddedProjectBrain implements ProjectBrain {
  readonly name = "embedded";

  constructor(
    private readonly store: GraphFile,
    readonly projectId: string,
  ) {}

  findCharacterByName(name: string): Promise<CharacterNode | null> {
    return this.read((graph) => findByName<CharacterNode>(graph, this.projectId, "Character", name));
  }

  saveCharacter(character: CharacterNode): Promise<CharacterNode> {
    return this.mutate((draft) => {
      assertId(character.id, "character.id");
      assertNameFree(draft, this.projectId, "Character", character.id, character.name);
      upsertNode(draft, this.projectId, character.id, "Character", character);
      return structuredClone(character);
    });
  }

  findLocationByName(name: string): Promise<LocationNode | null> {
    return this.read((graph) => findByName<LocationNode>(graph, this.projectId, "Location", name));
  }

  saveLocation(location: LocationNode): Promise<LocationNode> {
    return this.mutate((draft) => {
      assertId(location.id, "location.id");
      assertNameFree(draft, this.projectId, "Location", location.id, location.name);
      upsertNode(draft, this.projectId, location.id, "Location", location);
      return structuredClone(location);
    });
  }

  saveReference(reference: ReferenceNode, ownerId: string | null): Promise<void> {
    return this.mutate((draft) => {
      assertId(reference.id, "reference.id");
      const ownerLabel = ownerLabelOf(reference.kind);
      if (ownerLabel !== null) {
        if (ownerId === null)
          throw new CutroomError("BRAIN_VALIDATION", `a ${reference.kind} reference needs its ${ownerLabel}`);
        requireLabel(draft, this.projectId, ownerId, ownerLabel, `own a ${reference.kind} reference`);
      }
      const madeFrom = reference.madeFrom ?? [];
      for (const id of madeFrom) requireLabel(draft, this.projectId, id, "Reference", "be a reference MADE_FROM");
      upsertNode(draft, this.projectId, reference.id, "Reference", reference);
      if (ownerLabel !== null) link(draft, this.projectId, "HAS_REFERENCE", ownerId!, reference.id);
      for (const id of madeFrom) link(draft, this.projectId, "MADE_FROM", reference.id, id);
    });
  }

  referencesOf(ownerId: string): Promise<ReferenceNode[]> {
    return this.read((graph) =>
      related<ReferenceNode>(graph, this.projectId, ownerId, "out", "HAS_REFERENCE", "Reference").sort(byCreatedAt),
    );
  }

  detachReference(ownerId: string, referenceId: string): Promise<boolean> {
    return this.mutate((draft) => unlink(draft, this.projectId, "HAS_REFERENCE", ownerId, referenceId));
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
      for (const id of write.characterIds) requireLabel(draft, this.projectId, id, "Character", "be DEPICTED");
      if (write.locationId !== null) requireLabel(draft, this.projectId, write.locationId, "Location", "be SET_IN");
      for (const id of write.referenceIds)
        requireLabel(draft, this.projectId, id, "Reference", "be USED as a reference");
      if (write.regeneratedFromId !== null) {
        if (write.regeneratedFromId === videoId)
          throw new CutroomError("BRAIN_VALIDATION", `take ${videoId} cannot be REGENERATED_FROM itself`);
        requireLabel(draft, this.projectId, write.regeneratedFromId, "Video", "be REGENERATED_FROM");
      }
      upsertNode(draft, this.projectId, requestId, "Request", write.request);
      upsertNode(draft, this.projectId, videoId, "Video", write.video);
      upsertNode(draft, this.projectId, reportId, "QualityReport", write.report);
      link(draft, this.projectId, "PRODUCED", requestId, videoId);
      link(draft, this.projectId, "GRADED_BY", videoId, reportId);
      for (const id of write.characterIds) link(draft, this.projectId, "DEPICTS", videoId, id);
      if (write.locationId !== null) link(draft, this.projectId, "SET_IN", videoId, write.locationId);
      for (const id of write.referenceIds) link(draft, this.projectId, "USES_REFERENCE", videoId, id);
      if (write.regeneratedFromId !== null)
        link(draft, this.projectId, "REGENERATED_FROM", videoId, write.regeneratedFromId);
      if (write.scene) {
        const { clips, audio, ...scene } = write.scene;
        const sceneId = assertId(scene.id, "scene.id");
        upsertNode(draft, this.projectId, sceneId, "Scene", scene);
        link(draft, this.projectId, "RENDERS", videoId, sceneId);
        for (const clip of clips) {
          upsertNode(draft, this.projectId, assertId(clip.id, "scene.clips.id"), "Clip", clip);
          link(draft, this.projectId, "PART_OF", clip.id, sceneId);
        }
        for (const track of audio) {
          upsertNode(draft, this.projectId, assertId(track.id, "scene.audio.id"), "AudioTrack", track);
          link(draft, this.projectId, "HAS_AUDIO", sceneId, track.id);
        }
      }
      if (write.captions) {
        const captionsId = assertId(write.captions.id, "captions.id");
        upsertNode(draft, this.projectId, captionsId, "Captions", write.captions);
        link(draft, this.projectId, "HAS_CAPTIONS", videoId, captionsId);
      }
      if (write.contactSheet) {
        const sheetId = assertId(write.contactSheet.id, "contactSheet.id");
        upsertNode(draft, this.projectId, sheetId, "ContactSheet", write.contactSheet);
        link(draft, this.projectId, "HAS_CONTACT_SHEET", videoId, sheetId);
      }
    });
  }

  contactSheetOf(takeId: string): Promise<ContactSheetNode | null> {
    return this.read(
      (graph) =>
        related<ContactSheetNode>(graph, this.projectId, takeId, "out", "HAS_CONTACT_SHEET", "ContactSheet")[0] ?? null,
    );
  }

  listTakes(query: TakeListQuery): Promise<Page<LibraryTake>> {
    return this.read((graph) => pageOfTakes(libraryRowsOf(graph, this.projectId), query));
  }

  listThreads(query: ThreadListQuery): Promise<Page<LibraryThread>> {
    return this.read((graph) => pageOfThreads(libraryRowsOf(graph, this.projectId), query));
  }

  captionsOf(takeId: string): Promise<CaptionsNode | null> {
    return this.read(
      (graph) => related<CaptionsNode>(graph, this.projectId, takeId, "out", "HAS_CAPTIONS", "Captions")[0] ?? null,
    );
  }

  sceneOf(takeId: string): Promise<SceneView | null> {
    return this.read((graph) => {
      if (propsOf(graph, this.projectId, takeId, "Video") === null) return null;
      const scene = related<SceneView["scene"] & { id: string }>(
        graph,
        this.projectId,
        takeId,
        "out",
        "RENDERS",
        "Scene",
      )[0];
      if (!scene) return null;
      const clips = related<SceneWrite["clips"][number]>(graph, this.projectId, scene.id, "in", "PART_OF", "Clip").sort(
        (left, right) => left.shotIndex - right.shotIndex,
      );
      const audio = related<SceneWrite["audio"][number]>(
        graph,
        this.projectId,
        scene.id,
        "out",
        "HAS_AUDIO",
        "AudioTrack",
      ).sort((left, right) => left.startTime - right.startTime);
      return { scene, clips, audio };
    });
  }

  setTakeStatus(takeId: string, status: TakeStatus, reason: string | null): Promise<void> {
    return this.mutate((draft) => {
      const video = propsOf<VideoNode>(draft, this.projectId, takeId, "Video");
      if (video === null)
        throw new CutroomError("NOT_FOUND", `take ${takeId} is not in the brain; list takes to find its id`);
      const updated: VideoNode = { ...video, status, statusReason: reason, updatedAt: new Date().toISOString() };
      upsertNode(draft, this.projectId, takeId, "Video", updated);
    });
  }

  getTake(takeId: string): Promise<TakeView | null> {
    return this.read((graph) => {
      const video = propsOf<VideoNode>(graph, this.projectId, takeId, "Video");
      if (video === null) return null;
      const request =
        related<RequestNode>(graph, this.projectId, takeId, "in", "PRODUCED", "Request")[0] ??
        propsOf<RequestNode>(graph, this.projectId, video.requestId, "Request");
      if (request === null) {
        throw new CutroomError(
          "BRAIN_VALIDATION",
          `take ${takeId} has no request in the brain; validate the take to see what is inconsistent`,
        );
      }
      return {
        video,
        request,
        report:
          related<QualityReportNode>(graph, this.projectId, takeId, "out", "GRADED_BY", "QualityReport")[0] ?? null,
        characters: related<CharacterNode>(graph, this.projectId, takeId, "out", "DEPICTS", "Character"),
        location: related<LocationNode>(graph, this.projectId, takeId, "out", "SET_IN", "Location")[0] ?? null,
        references: related<ReferenceNode>(graph, this.projectId, takeId, "out", "USES_REFERENCE", "Reference"),
        regeneratedFrom:
          related<VideoNode>(graph, this.projectId, takeId, "out", "REGENERATED_FROM", "Video")[0]?.id ?? null,
        regeneratedInto: related<VideoNode>(graph, this.projectId, takeId, "in", "REGENERATED_FROM", "Video")
          .sort(byCreatedAt)
          .map((take) => take.id),
      };
    });
  }

  characterView(name: string): Promise<CharacterView | null> {
    return this.read((graph) => {
      const character = findByName<CharacterNode>(graph, this.projectId, "Character", name);
      if (character === null) return null;
      const takes = related<VideoNode>(graph, this.projectId, character.id, "in", "DEPICTS", "Video")
        .sort((left, right) => byCreatedAt(right, left))
        .map((take) => ({ id: take.id, status: take.status, overall: take.grade.overall, createdAt: take.createdAt }));
      return {
        character,
        references: related<ReferenceNode>(graph, this.projectId, character.id, "out", "HAS_REFERENCE", "Reference"),
        takes,
      };
    });
  }

  locationView(name: string): Promise<LocationView | null> {
    return this.read((graph) => {
      const location = findByName<LocationNode>(graph, this.projectId, "Location", name);
      if (location === null) return null;
      return {
        location,
        references: related<ReferenceNode>(graph, this.projectId, location.id, "out", "HAS_REFERENCE", "Reference"),
      };
    });
  }

  requestTakes(requestId: string): Promise<RequestTakesView | null> {
    return this.read((graph) => {
      const request = propsOf<RequestNode>(graph, this.projectId, requestId, "Request");
      if (request === null) return null;
      const takes = related<VideoNode>(graph, this.projectId, requestId, "out", "PRODUCED", "Video")
        .sort(byCreatedAt)
        .map((video) => ({
          id: video.id,
          attempt: video.attempt,
          status: video.status,
          choiceReason: video.statusReason,
          grade: video.grade,
          overallQuality:
            related<QualityReportNode>(graph, this.projectId, video.id, "out", "GRADED_BY", "QualityReport")[0]
              ?.overallQuality ?? null,
          regeneratedFrom:
            related<VideoNode>(graph, this.projectId, video.id, "out", "REGENERATED_FROM", "Video")[0]?.id ?? null,
          createdAt: video.createdAt,
          updatedAt: video.updatedAt,
        }));
      return { request, takes };
    });
  }

  async why(takeId: string): Promise<TakeProvenance | null> {
    const view = await this.getTake(takeId);
    return view === null ? null : provenanceOf(view);
  }

  validateTake(takeId: string): Promise<BrainViolation[]> {
    return this.read((graph) => violationsOf(graph, this.projectId, takeId));
  }

  counts(): Promise<BrainCounts> {
    return this.read((graph) => countsOf(graph, this.projectId));
  }

  private read<T>(query: (graph: BrainGraph) => T): Promise<T> {
    return this.store.read(query);
  }

  private mutate<T>(change: (draft: BrainGraph) => T): Promise<T> {
    return this.store.mutate(change);
  }
}
