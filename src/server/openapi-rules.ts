/**
 * Cross-field rules of request bodies that zod checks in refinements, which its JSON Schema export cannot
 * show. Written out here so a client (or a fuzzer) reading /api/openapi.json knows that `{}` is not a
 * chat turn and which images each generation method takes.
 */
const IMAGE_FIELDS = ["sourceImage", "firstFrame", "lastFrame", "compositeImage"] as const;
type ImageField = (typeof IMAGE_FIELDS)[number];

/** Text that is not only white space: the bodies trim before they measure. */
const NOT_BLANK = { type: "string", pattern: "\\S" };

/** A message with a word in it (two letters in a row; the department reads nothing else), up to 2000 characters. */
const MESSAGE = { type: "string", pattern: "[A-Za-z]{2}", maxLength: 2000 };

/** A message to answer, or a choice on a thread's pending take. */
export const CHAT_BODY_RULES = {
  anyOf: [
    { required: ["message"], properties: { message: MESSAGE } },
    { required: ["choice", "threadId"], properties: { choice: { type: "string" }, threadId: { type: "string" } } },
  ],
};

/** `input` holds exactly these image fields (all of them required) and no other. */
function imagesExactly(fields: readonly ImageField[]) {
  const others = IMAGE_FIELDS.filter((field) => !fields.includes(field));
  return {
    required: [...fields],
    ...(others.length > 0 ? { not: { anyOf: others.map((field) => ({ required: [field] })) } } : {}),
  };
}

const NO_IMAGES = { not: { anyOf: IMAGE_FIELDS.map((field) => ({ required: [field] })) } };

/** A method given outright (a const) or, when `method` is left out, the one its images imply. */
function method(name: string) {
  return { method: { const: name } };
}

/** A method that can start from a location reference instead of its image. */
function fromLocation(name: string) {
  return {
    required: ["method", "references"],
    properties: { ...method(name), input: NO_IMAGES, references: { required: ["location"] } },
  };
}

/**
 * Exactly one of prompt and input.prompt; and the images of the method, given or implied (first/last
 * frame, then a composite, then a source image), with a location reference standing in where it can.
 */
export function generateBodyRules(aspectRatios: string[] | null) {
  return {
    allOf: [
      ...(aspectRatios === null
        ? []
        : [{ properties: { parameters: { properties: { aspectRatio: { enum: aspectRatios } } } } }]),
      {
        anyOf: [
          { required: ["prompt"], properties: { prompt: NOT_BLANK } },
          { required: ["input"], properties: { input: { required: ["prompt"], properties: { prompt: NOT_BLANK } } } },
        ],
        not: { required: ["prompt", "input"], properties: { input: { required: ["prompt"] } } },
      },
      {
        anyOf: [
          { properties: { ...method("text-to-video"), input: NO_IMAGES } },
          {
            required: ["input"],
            properties: { ...method("image-to-video"), input: imagesExactly(["sourceImage"]) },
          },
          fromLocation("image-to-video"),
          {
            required: ["input"],
            properties: { ...method("first-last-frame"), input: imagesExactly(["firstFrame", "lastFrame"]) },
          },
          {
            required: ["input"],
            properties: { ...method("composite-to-video"), input: imagesExactly(["compositeImage"]) },
          },
          fromLocation("composite-to-video"),
        ],
      },
    ],
  };
}

/** One tool's call body: its own arguments schema (the catalogue's), and the take to continue. */
export function toolCallSchema(argumentsSchema: unknown): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = (argumentsSchema ?? {}) as Record<string, unknown>;
  return {
    type: "object",
    properties: {
      arguments: schema,
      takeId: {
        anyOf: [{ type: "string", pattern: "^vid_[A-Za-z0-9_-]{1,60}$" }, { type: "null" }],
        description: "a take id (vid_…) from an earlier call, to use its scratch files",
      },
    },
    required: ["arguments"],
    additionalProperties: false,
  };
}
