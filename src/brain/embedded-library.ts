/** The embedded Brain's library rows: every take of a project with its request and cast, as Neo4j reads them. */
import { idOfKey, propsOf, related } from "./embedded-graph.js";
import type { BrainGraph } from "./graph-types.js";
import type { LibraryRow } from "./library.js";
import type { CharacterNode, LocationNode, RequestNode, VideoNode } from "./types.js";

export function libraryRowsOf(graph: BrainGraph, projectId: string): LibraryRow[] {
  const rows: LibraryRow[] = [];
  graph.forEachNode((key, attributes) => {
    if (attributes.projectId !== projectId || attributes.label !== "Video") return;
    const video = structuredClone(attributes.props) as VideoNode;
    const id = idOfKey(key);
    rows.push({
      video,
      request:
        related<RequestNode>(graph, projectId, id, "in", "PRODUCED", "Request")[0] ??
        propsOf<RequestNode>(graph, projectId, video.requestId, "Request"),
      characters: related<CharacterNode>(graph, projectId, id, "out", "DEPICTS", "Character").map(
        (character) => character.name,
      ),
      location: related<LocationNode>(graph, projectId, id, "out", "SET_IN", "Location")[0]?.name ?? null,
    });
  });
  return rows;
}
