import { describe, expect, it } from "vitest";
import type { ToolCallRecord } from "../../src/specialists/agent.js";
import { audioPlan, mixedTracks, soundCues } from "../../src/specialists/audio-integrator/index.js";

const ok = (name: string, args: Record<string, unknown>, result: Record<string, unknown>): ToolCallRecord => ({
  name,
  args,
  ok: true,
  result,
  error: null,
});

describe("the audio integrator's record of what it mixed", () => {
  it("describes each mixed track by the call that made its sound, and leaves out what sync dropped", () => {
    const track = (type: string, audioId: string, startTime: number, duration: number) => ({
      type,
      audioId,
      startTime,
      duration,
      volume: 1,
      fadeIn: 0,
      fadeOut: 0,
    });
    const calls: ToolCallRecord[] = [
      ok("generate_character_dialogue", { character: "Sarah", text: "Hello.", emotion: "calm" }, { audioId: "line_1" }),
      ok("generate_character_dialogue", { character: "Tom", text: "Too late.", emotion: "sad" }, { audioId: "line_2" }),
      ok("generate_sound_effect", { description: "birds", durationSeconds: 6 }, { audioId: "sfx_1" }),
      { name: "mix_audio", args: { videoId: "v", tracks: [] }, ok: false, result: null, error: "ffmpeg failed" },
      // The second line started after the picture ended, so sync dropped it and the mix never had it.
      ok(
        "mix_audio",
        { videoId: "v", tracks: [track("dialogue", "line_1", 0.5, 1.2), track("sfx", "sfx_1", 0, 6)] },
        { clipId: "mixed_1" },
      ),
    ];
    expect(mixedTracks(calls)).toEqual([
      { type: "dialogue", description: "Sarah: Hello.", startTime: 0.5, duration: 1.2 },
      { type: "sfx", description: "birds", startTime: 0, duration: 6 },
    ]);
    expect(mixedTracks(calls.slice(0, 4))).toEqual([]);
  });

  it("plans one sound per line and cue, cut to the picture, then sync, mix and save", () => {
    const task = {
      videoMediaId: "med_1",
      durationSeconds: 5,
      dialogue: [{ character: "Sarah", text: "Hi", emotion: "neutral", startTime: 1 }],
      ambience: "park ambience",
      music: { description: "soft piano", startTime: 0, duration: 9, volume: 0.25 },
      sfx: [{ description: "door", startTime: 6, duration: 1, volume: 0.5 }],
    };
    // The door starts after the picture ends; the music is cut to it.
    expect(soundCues(task).map((cue) => [cue.type, cue.description, cue.duration])).toEqual([
      ["sfx", "park ambience", 5],
      ["music", "soft piano", 5],
    ]);
    expect(audioPlan(task).map((step) => step.tool)).toEqual([
      "generate_character_dialogue",
      "generate_sound_effect",
      "generate_sound_effect",
      "sync_audio_tracks",
      "mix_audio",
      "save_with_audio",
    ]);
  });
});
