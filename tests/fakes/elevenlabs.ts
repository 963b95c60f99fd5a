/**
 * A wire-level fake of the ElevenLabs API on 127.0.0.1: voices, voice design, text to speech with
 * timestamps (speaking the requested text with espeak-ng, returned as MP3 like the service), sound
 * generation and music composition. Faults are scripted per request.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderLavfi, speechMp3 } from "./media.js";

const run = promisify(execFile);

export type ElevenLabsFault =
  | { kind: "status"; status: number; body: unknown }
  | { kind: "hang"; holdMs: number }
  | { kind: "malformed" }
  | { kind: "not-audio" };

export interface ElevenLabsCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
}

export interface FakeElevenLabs {
  url: string;
  calls: ElevenLabsCall[];
  apiKeys: string[];
  fail(...faults: ElevenLabsFault[]): void;
  /** Whether voice design is offered (accounts without it get a 400, like the service). */
  designEnabled: boolean;
  close(): Promise<void>;
}

const LIBRARY = [
  {
    voice_id: "EXAVITQu4vr4xnSDxMaL",
    name: "Bella",
    labels: { gender: "female", accent: "american", age: "young" },
    category: "premade",
  },
  {
    voice_id: "TxGEqnHWrfWFTfGW9XjX",
    name: "Josh",
    labels: { gender: "male", accent: "american", age: "young" },
    category: "premade",
  },
  {
    voice_id: "ThT5KcBeYPX3keUQqHPh",
    name: "Dorothy",
    labels: { gender: "female", accent: "british", age: "young" },
    category: "premade",
  },
];

async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === "" ? null : (JSON.parse(text) as Record<string, unknown>);
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startFakeElevenLabs(options: { apiKey: string }): Promise<FakeElevenLabs> {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-fake-11labs-"));
  const faults: ElevenLabsFault[] = [];
  const designed: Array<{ voice_id: string; name: string; labels: Record<string, string>; category: string }> = [];
  const state = { calls: [] as ElevenLabsCall[], apiKeys: [] as string[] };
  const effect = join(directory, "effect.mp3");
  await renderLavfi("anoisesrc=color=pink:amplitude=0.3:duration=1.5", ["-c:a", "libmp3lame"], effect);
  // Composed music: a 3 s A-major arpeggio-like tone, shorter than most cues so callers must loop it.
  const music = join(directory, "music.mp3");
  await renderLavfi(
    "aevalsrc='0.3*sin(2*PI*(440+110*floor(mod(t*4,3)))*t)':sample_rate=44100:duration=3",
    ["-c:a", "libmp3lame"],
    music,
  );

  const speak = async (text: string) => {
    const path = await speechMp3(directory, text, `${randomUUID()}.mp3`);
    const bytes = await readFile(path);
    const { stdout } = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=duration",
      "-of",
      "csv=p=0",
      path,
    ]);
    await rm(path, { force: true });
    const seconds = Number(stdout);
    const step = seconds / Math.max(1, text.length);
    const characters = [...text];
    return {
      audio_base64: bytes.toString("base64"),
      alignment: {
        characters,
        character_start_times_seconds: characters.map((_, index) => Number((index * step).toFixed(3))),
        character_end_times_seconds: characters.map((_, index) => Number(((index + 1) * step).toFixed(3))),
      },
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const body = method === "GET" ? null : await bodyOf(request);
    state.calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    const key = String(request.headers["xi-api-key"] ?? "");
    state.apiKeys.push(key);
    if (key !== options.apiKey)
      return json(response, 401, { detail: { status: "invalid_api_key", message: "Invalid API key" } });
    const fault = faults.shift();
    if (fault?.kind === "status") return json(response, fault.status, fault.body);
    if (fault?.kind === "hang") await new Promise((resolve) => setTimeout(resolve, fault.holdMs));
    if (fault?.kind === "malformed") return json(response, 200, { unexpected: true });
    const path = url.pathname;
    if (method === "GET" && path === "/v1/voices") return json(response, 200, { voices: [...LIBRARY, ...designed] });
    const voiceMatch = /^\/v1\/voices\/([^/]+)$/.exec(path);
    if (method === "GET" && voiceMatch) {
      const voice = [...LIBRARY, ...designed].find((candidate) => candidate.voice_id === voiceMatch[1]);
      return voice
        ? json(response, 200, voice)
        : json(response, 404, { detail: { status: "voice_not_found", message: "Voice not found" } });
    }
    if (method === "POST" && path === "/v1/text-to-voice/design") {
      if (!fake.designEnabled)
        return json(response, 400, {
          detail: { status: "feature_not_available", message: "Voice design is not available on this plan" },
        });
      const spoken = await speak("Hello, this is my voice.");
      return json(response, 200, {
        previews: [
          {
            audio_base_64: spoken.audio_base64,
            generated_voice_id: `gen${randomUUID().slice(0, 8)}`,
            media_type: "audio/mpeg",
            duration_secs: 1.5,
          },
        ],
        text: "Hello, this is my voice.",
      });
    }
    if (method === "POST" && path === "/v1/text-to-voice") {
      const voice = {
        voice_id: `v${randomUUID().replace(/-/g, "").slice(0, 19)}`,
        name: String(body?.voice_name),
        labels: {},
        category: "generated",
      };
      designed.push(voice);
      return json(response, 200, voice);
    }
    const speechMatch = /^\/v1\/text-to-speech\/([^/]+)\/with-timestamps$/.exec(path);
    if (method === "POST" && speechMatch) {
      if (![...LIBRARY, ...designed].some((voice) => voice.voice_id === speechMatch[1])) {
        return json(response, 404, { detail: { status: "voice_not_found", message: "Voice not found" } });
      }
      const spoken = await speak(String(body?.text ?? ""));
      if (fault?.kind === "not-audio") spoken.audio_base64 = Buffer.from("this is not audio at all").toString("base64");
      return json(response, 200, { ...spoken, normalized_alignment: spoken.alignment });
    }
    if (method === "POST" && path === "/v1/sound-generation") {
      const bytes = fault?.kind === "not-audio" ? Buffer.from("garbage") : await readFile(effect);
      response.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(bytes.length) });
      return response.end(bytes);
    }
    if (method === "POST" && path === "/v1/music") {
      const length = Number(body?.music_length_ms);
      if (!(length >= 3000 && length <= 600000))
        return json(response, 422, {
          detail: [{ loc: ["body", "music_length_ms"], msg: "must be between 3000 and 600000" }],
        });
      const bytes = fault?.kind === "not-audio" ? Buffer.from("garbage") : await readFile(music);
      response.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(bytes.length) });
      return response.end(bytes);
    }
    return json(response, 404, { detail: { status: "not_found", message: `no route ${method} ${path}` } });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { detail: { status: "error", message: String(error) } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: FakeElevenLabs = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...state,
    designEnabled: true,
    fail: (...next) => faults.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => void rm(directory, { recursive: true, force: true }).then(() => resolve()));
      }),
  };
  return fake;
}
