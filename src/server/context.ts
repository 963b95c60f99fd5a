/** What every route works with: built once per server from one runtime. */
import { EventEmitter } from "node:events";
import type { ProgressEvent } from "../jobs/progress.js";
import type { ChatService, TurnResult } from "../orchestrator/chat.js";
import type { Runtime } from "../runtime.js";
import type { KeyRing } from "./auth.js";
import type { JobQueue } from "../jobs/types.js";
import type { RequestEstimates } from "./jobs.js";
import type { OwnershipStore } from "./ownership.js";
import { redactValue } from "./redact.js";
import type { GenerationLimiter } from "./rate-limit.js";
import type { WebhookSender } from "./webhooks.js";

export type ThreadEvent =
  | { type: "turn-started"; threadId: string }
  | { type: "progress"; threadId: string; event: ProgressEvent }
  | {
      type: "turn-finished";
      threadId: string;
      result: TurnResult | null;
      error: { code: string; message: string } | null;
    };

/** Which threads have a turn running, and who is watching them. */
export class ThreadActivity {
  private readonly running = new Set<string>();
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  isRunning(threadId: string): boolean {
    return this.running.has(threadId);
  }

  /** Marks a turn as running; false when one already is (turns on one thread must not interleave). */
  begin(threadId: string): boolean {
    if (this.running.has(threadId)) return false;
    this.running.add(threadId);
    this.emit({ type: "turn-started", threadId });
    return true;
  }

  end(threadId: string, result: TurnResult | null, error: { code: string; message: string } | null): void {
    this.running.delete(threadId);
    this.emit({ type: "turn-finished", threadId, result, error });
  }

  /** Watchers are clients: a progress message that quotes a scratch file reaches them redacted. */
  emit(event: ThreadEvent): void {
    this.emitter.emit(event.threadId, redactValue(event));
  }

  subscribe(threadId: string, listener: (event: ThreadEvent) => void): () => void {
    this.emitter.on(threadId, listener);
    return () => this.emitter.off(threadId, listener);
  }
}

export interface ServerContext {
  runtime: Runtime;
  chat: ChatService;
  ring: KeyRing;
  owners: OwnershipStore;
  /** The HTTP API's requests as jobs of the job port (a queue of their own, see createRequestQueue). */
  jobs: JobQueue;
  estimates: RequestEstimates;
  limiter: GenerationLimiter;
  webhooks: WebhookSender;
  threads: ThreadActivity;
  /** Webhooks to private and loopback addresses; only when the server listens on loopback itself. */
  allowPrivateWebhooks: boolean;
}
