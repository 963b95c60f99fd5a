/**
 * The head's two judgements a chat model may make: the shot prompt a provider receives, and how
 * relevant a take is to the request (from frames of it when the model can see, and always from the
 * measured facts). Both fall back to the deterministic versions.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { promptProblems } from "../../providers/video/prompts/index.js";
import type { BuiltPrompt, ShotFacts } from "../../providers/video/prompts/types.js";
import { extractKeyFrames } from "../../media/frames.js";
import type { Runtime } from "../../runtime.js";
import { createToolContext, mediaPath } from "../../tools/context.js";
import { decide, type DecisionImage } from "../../providers/llm/structured.js";
import {
  RELEVANCE_FROM_FACTS_PROMPT,
  RELEVANCE_FROM_FRAMES_PROMPT,
  relevanceRequest,
  shotPromptRequest,
  shotPromptSystem,
} from "./prompts.js";

const ShotPromptSchema = z.object({
  prompt: z.string().min(10).max(1200),
  negativePrompt: z.string().max(400).nullable(),
});

/**
 * A provider-ready prompt for a shot. Without a chat model it is the family builder's prompt; a chat
 * model may rewrite it, and its prompt is held to the same rules: it names every character, and carries no
 * internal id, file name, hex colour or number from a quality check (otherwise the builder's prompt is sent).
 */
export async function writeShotPrompt(
  runtime: Runtime,
  request: string,
  shot: { facts: ShotFacts; built: BuiltPrompt },
): Promise<{ prompt: string; negativePrompt: string | null; decidedBy: "llm" | "policy" }> {
  const { facts, built } = shot;
  const decision = await decide({
    llm: runtime.llm,
    log: runtime.log,
    what: "shot prompt",
    name: "shot_prompt",
    schema: ShotPromptSchema,
    system: shotPromptSystem(built),
    user: shotPromptRequest(request, facts, built),
    fallback: () => ({ prompt: built.prompt, negativePrompt: built.negativePrompt }),
    check: (value) => {
      const missing = facts.subjects.filter(
        (subject) => !value.prompt.toLowerCase().includes(subject.name.toLowerCase()),
      );
      if (missing.length > 0) return `the prompt leaves out ${missing.map((subject) => subject.name).join(", ")}`;
      const problems = [...promptProblems(value.prompt), ...promptProblems(value.negativePrompt ?? "")];
      return problems.length > 0 ? `the prompt ${problems.join("; ")}` : null;
    },
  });
  // A family without a negative prompt field gets none, whatever the model wrote.
  const value = built.negativePrompt === null ? { ...decision.value, negativePrompt: null } : decision.value;
  return { ...value, decidedBy: decision.decidedBy };
}

const RelevanceSchema = z.object({ relevance: z.number().min(0).max(1), reason: z.string().min(1).max(400) });

export interface RelevanceJudgement {
  relevance: number;
  reason: string;
  decidedBy: "llm" | "policy";
  /** "frames" when the model saw the take's frames, "facts" when it judged the measured facts alone. */
  judgedFrom: "frames" | "facts" | null;
}

/**
 * Relevance of a take: the measured facts (who, where, how long, which action) always count half; a chat
 * model's judgement against the request, when valid, is the other half. Frames sampled in order across the
 * take let a model that can see judge the picture itself, not only what was asked of the generator.
 */
export async function judgeRelevance(
  runtime: Runtime,
  request: string,
  facts: Record<string, unknown>,
  measured: number,
  frames: DecisionImage[] = [],
): Promise<RelevanceJudgement> {
  const decision = await decide({
    llm: runtime.llm,
    log: runtime.log,
    what: "grade",
    name: "relevance",
    schema: RelevanceSchema,
    system: RELEVANCE_FROM_FACTS_PROMPT,
    systemWithImages: RELEVANCE_FROM_FRAMES_PROMPT,
    user: relevanceRequest(request, facts),
    fallback: () => ({ relevance: measured, reason: "measured facts only" }),
    images: frames,
  });
  const relevance = decision.decidedBy === "llm" ? 0.5 * measured + 0.5 * decision.value.relevance : measured;
  return {
    relevance: Math.round(relevance * 1000) / 1000,
    reason: decision.value.reason,
    decidedBy: decision.decidedBy,
    judgedFrom: decision.decidedBy === "llm" ? (decision.sawImages ? "frames" : "facts") : null,
  };
}

/** Frames shown to the grader: small enough for "low" detail, which the model sees at 512 px anyway. */
export const JUDGE_FRAME_WIDTH = 384;

/**
 * Frames sampled in order across a stored take, for a grader that can see: none when there is no chat
 * model or vision is off, and none (with a warning) when they cannot be made, so grading never stops on it.
 */
export async function framesForJudge(
  runtime: Runtime,
  take: { projectId: string; takeId: string; mediaId: string; attempt: number },
  count: number,
): Promise<DecisionImage[]> {
  if (runtime.llm === null || runtime.config.llm?.vision === false) return [];
  try {
    const context = await createToolContext(runtime, take.projectId, take.takeId);
    const { path } = await mediaPath(context, take.mediaId, "finalMedia");
    const files = await extractKeyFrames(path, count, join(context.workDir, `judge-${take.attempt}`), {
      width: JUDGE_FRAME_WIDTH,
      timeoutMs: runtime.config.ffmpegTimeoutMs,
    });
    const images = await Promise.all(
      files.map(async (file) => ({ mediaType: "image/png" as const, data: await readFile(file) })),
    );
    await Promise.all(files.map((file) => rm(file, { force: true })));
    return images;
  } catch (error) {
    runtime.log.warn(
      `grade: no frames for the grader (${error instanceof Error ? error.message : String(error)}); it judges the facts alone`,
    );
    return [];
  }
}
