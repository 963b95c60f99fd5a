/**
 * The Brain's Cypher. Values are always parameters; the only text put into a query is a label from the
 * closed list in rules.ts (Cypher cannot take a label as a parameter in MERGE). Every node pattern names
 * $projectId, the neighbours reached from a node too, so no query sees or links another project's nodes.
 */
import { LABELS, type Label } from "../rules.js";

function label(value: Label): Label {
  if (!LABELS.includes(value)) throw new Error(`not a Brain label: ${String(value)}`);
  return value;
}

export const FIND_BY_NAME = (name: "Character" | "Location"): string =>
  `MATCH (n:BrainNode:${label(name)} {projectId: $projectId, nameKey: $nameKey}) RETURN n.id AS id, n.json AS json`;

/** Replaces the node's properties with the given ones, keeping its project and id; creates it when missing. */
export const UPSERT = (name: Label): string =>
  `MERGE (n:BrainNode {projectId: $projectId, id: $id}) SET n:${label(name)} SET n = $props SET n.id = $id, n.projectId = $projectId`;

export const LINK_HAS_REFERENCE = `
MATCH (owner:BrainNode {projectId: $projectId, id: $ownerId}),
  (reference:BrainNode:Reference {projectId: $projectId, id: $referenceId})
MERGE (owner)-[:HAS_REFERENCE]->(reference)`;

export const LINK_MADE_FROM = `
MATCH (reference:BrainNode:Reference {projectId: $projectId, id: $referenceId})
UNWIND $madeFrom AS sourceId
MATCH (source:BrainNode:Reference {projectId: $projectId, id: sourceId})
MERGE (reference)-[:MADE_FROM]->(source)`;

export const UNLINK_HAS_REFERENCE = `
MATCH (:BrainNode {projectId: $projectId, id: $ownerId})-[link:HAS_REFERENCE]->(:Reference {projectId: $projectId, id: $referenceId})
DELETE link
RETURN count(link) AS removed`;

export const REFERENCES_OF = `
MATCH (:BrainNode {projectId: $projectId, id: $ownerId})-[:HAS_REFERENCE]->(reference:Reference {projectId: $projectId})
RETURN reference.json AS json ORDER BY reference.createdAt, reference.id`;

export const MISSING_TARGETS = `
UNWIND $targets AS target
OPTIONAL MATCH (n:BrainNode {projectId: $projectId, id: target.id})
WITH target, n
WHERE n IS NULL OR NOT target.label IN labels(n)
RETURN target.id AS id, target.label AS label, target.purpose AS purpose
LIMIT 1`;

export const LABEL_CLASHES = `
UNWIND $nodes AS wanted
MATCH (n:BrainNode {projectId: $projectId, id: wanted.id})
WHERE NOT wanted.label IN labels(n)
RETURN wanted.id AS id, wanted.label AS label, [other IN labels(n) WHERE other <> 'BrainNode'][0] AS existing
LIMIT 1`;

export const RECORD_TAKE = `
MERGE (request:BrainNode {projectId: $projectId, id: $requestId})
  SET request:Request SET request = $request SET request.id = $requestId, request.projectId = $projectId
MERGE (video:BrainNode {projectId: $projectId, id: $videoId})
  SET video:Video SET video = $video SET video.id = $videoId, video.projectId = $projectId
MERGE (report:BrainNode {projectId: $projectId, id: $reportId})
  SET report:QualityReport SET report = $report SET report.id = $reportId, report.projectId = $projectId
MERGE (request)-[:PRODUCED]->(video)
MERGE (video)-[:GRADED_BY]->(report)
WITH video
CALL (video) {
  UNWIND $characterIds AS id
  MATCH (character:BrainNode:Character {projectId: $projectId, id: id})
  MERGE (video)-[:DEPICTS]->(character)
}
CALL (video) {
  UNWIND $locationIds AS id
  MATCH (location:BrainNode:Location {projectId: $projectId, id: id})
  MERGE (video)-[:SET_IN]->(location)
}
CALL (video) {
  UNWIND $referenceIds AS id
  MATCH (reference:BrainNode:Reference {projectId: $projectId, id: id})
  MERGE (video)-[:USES_REFERENCE]->(reference)
}
CALL (video) {
  UNWIND $regeneratedFromIds AS id
  MATCH (previous:BrainNode:Video {projectId: $projectId, id: id})
  MERGE (video)-[:REGENERATED_FROM]->(previous)
}`;

/** A scene under a take, in the take's transaction: its clips PART_OF it and its audio tracks. */
export const RECORD_SCENE = `
MATCH (video:BrainNode:Video {projectId: $projectId, id: $videoId})
MERGE (scene:BrainNode {projectId: $projectId, id: $sceneId})
  SET scene:Scene SET scene = $scene SET scene.id = $sceneId, scene.projectId = $projectId
MERGE (video)-[:RENDERS]->(scene)
WITH scene
CALL (scene) {
  UNWIND $clips AS clip
  MERGE (part:BrainNode {projectId: $projectId, id: clip.id})
    SET part:Clip SET part = clip.props SET part.id = clip.id, part.projectId = $projectId
  MERGE (part)-[:PART_OF]->(scene)
}
CALL (scene) {
  UNWIND $audio AS track
  MERGE (sound:BrainNode {projectId: $projectId, id: track.id})
    SET sound:AudioTrack SET sound = track.props SET sound.id = track.id, sound.projectId = $projectId
  MERGE (scene)-[:HAS_AUDIO]->(sound)
}`;

/** A take's captions, in the take's transaction. */
export const RECORD_CAPTIONS = `
MATCH (video:BrainNode:Video {projectId: $projectId, id: $videoId})
MERGE (captions:BrainNode {projectId: $projectId, id: $captionsId})
  SET captions:Captions SET captions = $captions SET captions.id = $captionsId, captions.projectId = $projectId
MERGE (video)-[:HAS_CAPTIONS]->(captions)`;

export const CAPTIONS_OF = `
MATCH (:BrainNode:Video {projectId: $projectId, id: $id})-[:HAS_CAPTIONS]->(captions:Captions {projectId: $projectId})
RETURN captions.json AS json ORDER BY captions.createdAt DESC LIMIT 1`;

/** A take's contact sheet, in the take's transaction. */
export const RECORD_CONTACT_SHEET = `
MATCH (video:BrainNode:Video {projectId: $projectId, id: $videoId})
MERGE (sheet:BrainNode {projectId: $projectId, id: $sheetId})
  SET sheet:ContactSheet SET sheet = $sheet SET sheet.id = $sheetId, sheet.projectId = $projectId
MERGE (video)-[:HAS_CONTACT_SHEET]->(sheet)`;

export const CONTACT_SHEET_OF = `
MATCH (:BrainNode:Video {projectId: $projectId, id: $id})-[:HAS_CONTACT_SHEET]->(sheet:ContactSheet {projectId: $projectId})
RETURN sheet.json AS json ORDER BY sheet.createdAt DESC LIMIT 1`;

export const SCENE_OF = `
MATCH (:BrainNode:Video {projectId: $projectId, id: $id})-[:RENDERS]->(scene:Scene {projectId: $projectId})
OPTIONAL MATCH (part:Clip {projectId: $projectId})-[:PART_OF]->(scene)
WITH scene, collect(DISTINCT part.json) AS clips
OPTIONAL MATCH (scene)-[:HAS_AUDIO]->(sound:AudioTrack {projectId: $projectId})
RETURN scene.json AS scene, clips, collect(DISTINCT sound.json) AS audio`;

export const SET_STATUS = `
MATCH (video:BrainNode:Video {projectId: $projectId, id: $id})
SET video.status = $status, video.statusReason = $reason, video.updatedAt = $now
RETURN video.id AS id`;

const VIDEO_FIELDS = `{json: video.json, status: video.status, statusReason: video.statusReason, updatedAt: video.updatedAt}`;

export const GET_TAKE = `
MATCH (video:BrainNode:Video {projectId: $projectId, id: $id})
OPTIONAL MATCH (byId:BrainNode:Request {projectId: $projectId, id: video.requestId})
RETURN ${VIDEO_FIELDS} AS video,
  coalesce(head([(request:Request {projectId: $projectId})-[:PRODUCED]->(video) | request.json]), byId.json) AS request,
  head([(video)-[:GRADED_BY]->(report:QualityReport {projectId: $projectId}) | report.json]) AS report,
  [(video)-[:DEPICTS]->(character:Character {projectId: $projectId}) | character.json] AS characters,
  [(video)-[:SET_IN]->(location:Location {projectId: $projectId}) | location.json] AS locations,
  [(video)-[:USES_REFERENCE]->(reference:Reference {projectId: $projectId}) | reference.json] AS references,
  [(video)-[:REGENERATED_FROM]->(previous:Video {projectId: $projectId}) | previous.id] AS from,
  [(next:Video {projectId: $projectId})-[:REGENERATED_FROM]->(video) | {id: next.id, createdAt: next.createdAt}] AS into`;

export const CHARACTER_VIEW = `
MATCH (character:BrainNode:Character {projectId: $projectId, nameKey: $nameKey})
RETURN character.json AS json,
  [(character)-[:HAS_REFERENCE]->(reference:Reference {projectId: $projectId}) | reference.json] AS references,
  [(video:Video {projectId: $projectId})-[:DEPICTS]->(character) |
    {id: video.id, status: video.status, overall: video.overall, createdAt: video.createdAt}] AS takes`;

export const LOCATION_VIEW = `
MATCH (location:BrainNode:Location {projectId: $projectId, nameKey: $nameKey})
RETURN location.json AS json,
  [(location)-[:HAS_REFERENCE]->(reference:Reference {projectId: $projectId}) | reference.json] AS references`;

export const REQUEST_TAKES = `
MATCH (request:BrainNode:Request {projectId: $projectId, id: $id})
RETURN request.json AS request,
  [(request)-[:PRODUCED]->(video:Video {projectId: $projectId}) | {
    video: ${VIDEO_FIELDS},
    overallQuality: head([(video)-[:GRADED_BY]->(report:QualityReport {projectId: $projectId}) | report.overallQuality]),
    from: head([(video)-[:REGENERATED_FROM]->(previous:Video {projectId: $projectId}) | previous.id])
  }] AS takes`;

/**
 * The validation rules as one query: $targets, $incoming and $outgoing are the lists from rules.ts, so the
 * rules are those the embedded Brain checks, evaluated by Neo4j.
 */
export const VALIDATE_TAKE = `
OPTIONAL MATCH (video:BrainNode:Video {projectId: $projectId, id: $id})
RETURN video IS NOT NULL AS exists,
  [(video)-[link]->(target)
    WHERE any(rule IN $targets WHERE rule.type = type(link)
      AND (NOT rule.label IN labels(target) OR target = video OR coalesce(target.projectId, '') <> $projectId))
    | {type: type(link), target: coalesce(target.id, elementId(target))}] AS badTargets,
  [rule IN $incoming
    WHERE video IS NOT NULL
      AND NOT EXISTS {
        MATCH (source {projectId: $projectId})-[link]->(video) WHERE type(link) = rule.type AND rule.label IN labels(source)
      }
    | rule] AS missingIncoming,
  [rule IN $outgoing
    WHERE video IS NOT NULL
      AND NOT EXISTS {
        MATCH (video)-[link]->(target {projectId: $projectId}) WHERE type(link) = rule.type AND rule.label IN labels(target)
      }
    | rule] AS missingOutgoing`;

/** $projectId null counts every project (the readiness probe). */
export const COUNT_NODES = `
MATCH (n:BrainNode) WHERE $projectId IS NULL OR n.projectId = $projectId
UNWIND [name IN labels(n) WHERE name <> 'BrainNode'] AS label
RETURN label, count(*) AS count`;

export const COUNT_RELATIONSHIPS = `
MATCH (source:BrainNode)-[link]->(:BrainNode) WHERE $projectId IS NULL OR source.projectId = $projectId
RETURN type(link) AS type, count(*) AS count`;

/** Every take of the project with its request and cast: the rows library.ts filters and pages. */
export const LIBRARY_ROWS = `
MATCH (video:BrainNode:Video {projectId: $projectId})
OPTIONAL MATCH (byId:BrainNode:Request {projectId: $projectId, id: video.requestId})
RETURN ${VIDEO_FIELDS} AS video,
  coalesce(head([(request:Request {projectId: $projectId})-[:PRODUCED]->(video) | request.json]), byId.json) AS request,
  [(video)-[:DEPICTS]->(character:Character {projectId: $projectId}) | character.name] AS characters,
  head([(video)-[:SET_IN]->(location:Location {projectId: $projectId}) | location.name]) AS location`;
