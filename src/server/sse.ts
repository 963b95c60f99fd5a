/** Server-Sent Events: one writer per response, with keep-alive comments so proxies keep the stream open. */
import type { Request, Response } from "express";

export interface SseStream {
  send(event: string, data: unknown): void;
  close(): void;
  readonly closed: boolean;
}

const KEEP_ALIVE_MS = 15_000;

export function wantsEventStream(request: Request): boolean {
  return (request.headers.accept ?? "").includes("text/event-stream");
}

export function openEventStream(request: Request, response: Response): SseStream {
  response.status(200);
  response.setHeader("Content-Type", "text/event-stream; charset=utf-8");
  response.setHeader("Cache-Control", "no-cache, no-transform");
  response.setHeader("Connection", "keep-alive");
  // Tells nginx-style proxies not to buffer the stream.
  response.setHeader("X-Accel-Buffering", "no");
  response.flushHeaders();
  let closed = false;
  let counter = 0;
  const timer = setInterval(() => {
    if (!closed) response.write(": keep-alive\n\n");
  }, KEEP_ALIVE_MS);
  const stop = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
  };
  request.on("close", stop);
  return {
    get closed() {
      return closed;
    },
    send(event, data) {
      if (closed) return;
      counter += 1;
      // JSON never contains a raw newline, so one data line per event is always well-formed.
      response.write(`id: ${counter}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (closed) return;
      stop();
      response.end();
    },
  };
}
