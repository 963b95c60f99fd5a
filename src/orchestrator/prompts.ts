/** Everything the orchestrator says to a chat model; the router imports its text from here. */

/** Router (router.ts): which department, if any, a chat message is for. The user turn is the message itself. */
export const ROUTER_PROMPT = `You route chat messages in a film studio. Departments: video-generation (makes, regenerates,
assembles or verifies video clips of characters, actions and places). Answer kind "video" for requests that
department handles, "choice" when the message only answers accept/regenerate/discard, "none" otherwise.`;
