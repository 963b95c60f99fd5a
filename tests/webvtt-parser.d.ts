/** The parts of webvtt-parser (which ships no types) the caption tests use. */
declare module "webvtt-parser" {
  export class WebVTTParser {
    parse(
      input: string,
      mode?: "subtitles" | "metadata" | "chapters",
    ): {
      errors: Array<{ message: string; line: number }>;
      cues: Array<{ startTime: number; endTime: number; text: string }>;
    };
  }
}
