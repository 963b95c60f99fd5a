/**
 * Between Brain documents and Neo4j rows. A node is stored as its JSON plus the properties queries filter
 * and sort on; a read row is turned back into the same views the embedded Brain builds from its graph,
 * with the same ordering, so both backends answer alike.
 */
import type { TakeStatus } from "../../domain.js";
import type { LibraryRow } from "../library.js";
import { byCreatedAt } from "../provenance.js";
import {
  REQUIRED_INCOMING,
  REQUIRED_OUTGOING,
  TARGET_RULES,
  badTargetMessage,
  missingIncomingMessage,
  missingOutgoingMessage,
  normalName,
  type Label,
} from "../rules.js";
import type {
  BrainViolation,
  CharacterNode,
  CharacterView,
  LocationNode,
  LocationView,
  QualityReportNode,
  ReferenceNode,
  SceneView,
  RequestNode,
  RequestTakesView,
  TakeView,
  VideoNode,
} from "../types.js";

export type Row = Record<string, unknown>;

/** The stored document plus the properties that queries filter and sort on. */
export function propertiesOf(label: Label, node: object): Row {
  const props: Row = { json: JSON.stringify(node) };
  const value = node as Row;
  if (label === "Character" || label === "Location") {
    props.name = value.name;
    props.nameKey = normalName(String(value.name));
  }
  if (label === "Reference") props.kind = value.kind;
  if (label === "Video") {
    const video = node as VideoNode;
    Object.assign(props, {
      requestId: video.requestId,
      status: video.status,
      statusReason: video.statusReason,
      overall: video.grade.overall,
      method: video.method,
      model: video.model,
      costUsd: video.costUsd,
      updatedAt: video.updatedAt,
    });
  }
  if (label === "QualityReport") {
    const report = node as QualityReportNode;
    Object.assign(props, { overallQuality: report.overallQuality, passed: report.passed });
  }
  if ("createdAt" in value) props.createdAt = value.createdAt;
  return props;
}

/** A GET_TAKE row whose request is present. */
export function takeViewOf(row: Row): TakeView {
  const into = (row.into as Array<{ id: string; createdAt: string }>).sort(byCreatedAt).map((take) => take.id);
  return {
    video: videoOf(row.video as Row),
    request: parse<RequestNode>(row.request),
    report: row.report === null ? null : parse<QualityReportNode>(row.report),
    characters: (row.characters as string[]).map((json) => parse<CharacterNode>(json)),
    location: (row.locations as string[]).map((json) => parse<LocationNode>(json))[0] ?? null,
    references: (row.references as string[]).map((json) => parse<ReferenceNode>(json)),
    regeneratedFrom: (row.from as string[])[0] ?? null,
    regeneratedInto: into,
  };
}

export function characterViewOf(row: Row): CharacterView {
  const takes = (row.takes as CharacterView["takes"]).sort((left, right) => byCreatedAt(right, left));
  return {
    character: parse<CharacterNode>(row.json),
    references: (row.references as string[]).map((json) => parse<ReferenceNode>(json)),
    takes,
  };
}

export function locationViewOf(row: Row): LocationView {
  return {
    location: parse<LocationNode>(row.json),
    references: (row.references as string[]).map((json) => parse<ReferenceNode>(json)),
  };
}

export function requestTakesOf(row: Row): RequestTakesView {
  const takes = (row.takes as Row[])
    .map((take) => {
      const video = videoOf(take.video as Row);
      return {
        id: video.id,
        attempt: video.attempt,
        status: video.status,
        choiceReason: video.statusReason,
        grade: video.grade,
        overallQuality: (take.overallQuality as number | null) ?? null,
        regeneratedFrom: (take.from as string | null) ?? null,
        createdAt: video.createdAt,
        updatedAt: video.updatedAt,
      };
    })
    .sort(byCreatedAt);
  return { request: parse<RequestNode>(row.request), takes };
}

export function sceneViewOf(row: Row): SceneView {
  return {
    scene: parse<SceneView["scene"]>(row.scene),
    clips: (row.clips as unknown[])
      .map((json) => parse<SceneView["clips"][number]>(json))
      .sort((left, right) => left.shotIndex - right.shotIndex),
    audio: (row.audio as unknown[])
      .map((json) => parse<SceneView["audio"][number]>(json))
      .sort((left, right) => left.startTime - right.startTime),
  };
}

/** The VALIDATE_TAKE row as the rule violations the embedded Brain reports for the same graph. */
export function violationsOf(row: Row | undefined, takeId: string): BrainViolation[] {
  if (row === undefined || row.exists !== true)
    return [{ rule: "take-exists", message: `take ${takeId} is not a Video in the brain` }];
  const violations: BrainViolation[] = [];
  for (const link of row.badTargets as Array<{ type: string; target: string }>) {
    const rule = TARGET_RULES.find((candidate) => candidate.type === link.type)!;
    violations.push({ rule: rule.rule, message: badTargetMessage(link.type, rule.label, takeId, link.target) });
  }
  for (const missing of row.missingIncoming as Array<{ type: string; label: string }>) {
    const rule = REQUIRED_INCOMING.find((candidate) => candidate.type === missing.type)!;
    violations.push({ rule: rule.rule, message: missingIncomingMessage(missing.type, missing.label, takeId) });
  }
  for (const missing of row.missingOutgoing as Array<{ type: string; label: string }>) {
    const rule = REQUIRED_OUTGOING.find((candidate) => candidate.type === missing.type)!;
    violations.push({ rule: rule.rule, message: missingOutgoingMessage(missing.type, missing.label, takeId) });
  }
  return violations;
}

/** A Video's status fields change after it is written; the properties hold the current values. */
/** A LIBRARY_ROWS row as the rows library.ts pages, read as the embedded Brain reads them. */
export function libraryRowOf(row: Row): LibraryRow {
  return {
    video: videoOf(row.video as Row),
    request: row.request === null ? null : parse<RequestNode>(row.request),
    characters: row.characters as string[],
    location: (row.location as string | null) ?? null,
  };
}

function videoOf(row: Row): VideoNode {
  return {
    ...parse<VideoNode>(row.json),
    status: row.status as TakeStatus,
    statusReason: (row.statusReason as string | null) ?? null,
    updatedAt: row.updatedAt as string,
  };
}

export function parse<T>(json: unknown): T {
  return JSON.parse(String(json)) as T;
}
