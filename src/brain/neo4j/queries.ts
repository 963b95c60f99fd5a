/**
 * The Brain's Cypher. Values are always parameters; the only text put into a query is a label from the
 * closed list in rules.ts (Cypher cannot take a label as a parameter in MERGE).
 */
import { LABELS, type Label } from "../rules.js";

function label(value: Label): Label {
  if (!LABELS.includes(value)) throw new Error(`not a Brain label: ${String(value)}`);
  return value;
}

export const FIND_BY_NAME = (name: "Character" | "Location"): string =>
  `MATCH (n:BrainNode:${label(name)} {nameKey: $nameKey}) RETURN n.id AS id, n.json AS json`;

/** Replaces the node's properties with the given ones, keeping its id; creates it when missing. */
export const UPSERT = (name: Label): string =>
  `MERGE (n:BrainNode {id: $id}) SET n:${label(name)} SET n = $props SET n.id = $id`;

export const LINK_HAS_REFERENCE = `
MATCH (owner:BrainNode {id: $ownerId}), (reference:BrainNode:Reference {id: $referenceId})
MERGE (owner)-[:HAS_REFERENCE]->(reference)`;

export const REFERENCES_OF = `
MATCH (:BrainNode {id: $ownerId})-[:HAS_REFERENCE]->(reference:Reference)
RETURN reference.json AS json ORDER BY reference.createdAt, reference.id`;

export const MISSING_TARGETS = `
UNWIND $targets AS target
OPTIONAL MATCH (n:BrainNode {id: target.id})
WITH target, n
WHERE n IS NULL OR NOT target.label IN labels(n)
RETURN target.id AS id, target.label AS label, target.purpose AS purpose
LIMIT 1`;

export const LABEL_CLASHES = `
UNWIND $nodes AS wanted
MATCH (n:BrainNode {id: wanted.id})
WHERE NOT wanted.label IN labels(n)
RETURN wanted.id AS id, wanted.label AS label, [other IN labels(n) WHERE other <> 'BrainNode'][0] AS existing
LIMIT 1`;

export const RECORD_TAKE = `
MERGE (request:BrainNode {id: $requestId}) SET request:Request SET request = $request SET request.id = $requestId
MERGE (video:BrainNode {id: $videoId}) SET video:Video SET video = $video SET video.id = $videoId
MERGE (report:BrainNode {id: $reportId}) SET report:QualityReport SET report = $report SET report.id = $reportId
MERGE (request)-[:PRODUCED]->(video)
MERGE (video)-[:GRADED_BY]->(report)
WITH video
CALL (video) {
  UNWIND $characterIds AS id
  MATCH (character:BrainNode:Character {id: id})
  MERGE (video)-[:DEPICTS]->(character)
}
CALL (video) {
  UNWIND $locationIds AS id
  MATCH (location:BrainNode:Location {id: id})
  MERGE (video)-[:SET_IN]->(location)
}
CALL (video) {
  UNWIND $referenceIds AS id
  MATCH (reference:BrainNode:Reference {id: id})
  MERGE (video)-[:USES_REFERENCE]->(reference)
}
CALL (video) {
  UNWIND $regeneratedFromIds AS id
  MATCH (previous:BrainNode:Video {id: id})
  MERGE (video)-[:REGENERATED_FROM]->(previous)
}`;

/** A scene under a take, in the take's transaction: its clips PART_OF it and its audio tracks. */
export const RECORD_SCENE = `
MATCH (video:BrainNode:Video {id: $videoId})
MERGE (scene:BrainNode {id: $sceneId}) SET scene:Scene SET scene = $scene SET scene.id = $sceneId
MERGE (video)-[:RENDERS]->(scene)
WITH scene
CALL (scene) {
  UNWIND $clips AS clip
  MERGE (part:BrainNode {id: clip.id}) SET part:Clip SET part = clip.props SET part.id = clip.id
  MERGE (part)-[:PART_OF]->(scene)
}
CALL (scene) {
  UNWIND $audio AS track
  MERGE (sound:BrainNode {id: track.id}) SET sound:AudioTrack SET sound = track.props SET sound.id = track.id
  MERGE (scene)-[:HAS_AUDIO]->(sound)
}`;

export const SCENE_OF = `
MATCH (:BrainNode:Video {id: $id})-[:RENDERS]->(scene:Scene)
OPTIONAL MATCH (part:Clip)-[:PART_OF]->(scene)
WITH scene, collect(DISTINCT part.json) AS clips
OPTIONAL MATCH (scene)-[:HAS_AUDIO]->(sound:AudioTrack)
RETURN scene.json AS scene, clips, collect(DISTINCT sound.json) AS audio`;

export const SET_STATUS = `
MATCH (video:BrainNode:Video {id: $id})
SET video.status = $status, video.statusReason = $reason, video.updatedAt = $now
RETURN video.id AS id`;

const VIDEO_FIELDS = `{json: video.json, status: video.status, statusReason: video.statusReason, updatedAt: video.updatedAt}`;

export const GET_TAKE = `
MATCH (video:BrainNode:Video {id: $id})
OPTIONAL MATCH (byId:Request {id: video.requestId})
RETURN ${VIDEO_FIELDS} AS video,
  coalesce(head([(request:Request)-[:PRODUCED]->(video) | request.json]), byId.json) AS request,
  head([(video)-[:GRADED_BY]->(report:QualityReport) | report.json]) AS report,
  [(video)-[:DEPICTS]->(character:Character) | character.json] AS characters,
  [(video)-[:SET_IN]->(location:Location) | location.json] AS locations,
  [(video)-[:USES_REFERENCE]->(reference:Reference) | reference.json] AS references,
  [(video)-[:REGENERATED_FROM]->(previous:Video) | previous.id] AS from,
  [(next:Video)-[:REGENERATED_FROM]->(video) | {id: next.id, createdAt: next.createdAt}] AS into`;

export const CHARACTER_VIEW = `
MATCH (character:BrainNode:Character {nameKey: $nameKey})
RETURN character.json AS json,
  [(character)-[:HAS_REFERENCE]->(reference:Reference) | reference.json] AS references,
  [(video:Video)-[:DEPICTS]->(character) |
    {id: video.id, status: video.status, overall: video.overall, createdAt: video.createdAt}] AS takes`;

export const LOCATION_VIEW = `
MATCH (location:BrainNode:Location {nameKey: $nameKey})
RETURN location.json AS json,
  [(location)-[:HAS_REFERENCE]->(reference:Reference) | reference.json] AS references`;

export const REQUEST_TAKES = `
MATCH (request:BrainNode:Request {id: $id})
RETURN request.json AS request,
  [(request)-[:PRODUCED]->(video:Video) | {
    video: ${VIDEO_FIELDS},
    overallQuality: head([(video)-[:GRADED_BY]->(report:QualityReport) | report.overallQuality]),
    from: head([(video)-[:REGENERATED_FROM]->(previous:Video) | previous.id])
  }] AS takes`;

/**
 * The validation rules as one query: $targets, $incoming and $outgoing are the lists from rules.ts, so the
 * rules are those the embedded Brain checks, evaluated by Neo4j.
 */
export const VALIDATE_TAKE = `
OPTIONAL MATCH (video:BrainNode:Video {id: $id})
RETURN video IS NOT NULL AS exists,
  [(video)-[link]->(target)
    WHERE any(rule IN $targets WHERE rule.type = type(link) AND (NOT rule.label IN labels(target) OR target = video))
    | {type: type(link), target: coalesce(target.id, elementId(target))}] AS badTargets,
  [rule IN $incoming
    WHERE video IS NOT NULL
      AND NOT EXISTS { MATCH (source)-[link]->(video) WHERE type(link) = rule.type AND rule.label IN labels(source) }
    | rule] AS missingIncoming,
  [rule IN $outgoing
    WHERE video IS NOT NULL
      AND NOT EXISTS { MATCH (video)-[link]->(target) WHERE type(link) = rule.type AND rule.label IN labels(target) }
    | rule] AS missingOutgoing`;

export const COUNT_NODES = `
MATCH (n:BrainNode)
UNWIND [name IN labels(n) WHERE name <> 'BrainNode'] AS label
RETURN label, count(*) AS count`;

export const COUNT_RELATIONSHIPS = `
MATCH (:BrainNode)-[link]->(:BrainNode)
RETURN type(link) AS type, count(*) AS count`;
