import { EventEmitter } from "node:events";

export interface ProgressEvent {
  /** The step of the pipeline: route, assess, generate, assemble, audio, verify, grade, record, present. */
  step: string;
  /** 0..1 within the step, or null for a one-off notice. */
  fraction: number | null;
  message: string;
  at: string;
}

/** Progress of long work, published to whoever shows it (CLI on stderr, later SSE). */
export class ProgressBus {
  private readonly emitter = new EventEmitter();

  emit(step: string, fraction: number | null, message: string): void {
    const event: ProgressEvent = {
      step,
      fraction: fraction === null ? null : Math.max(0, Math.min(1, fraction)),
      message,
      at: new Date().toISOString(),
    };
    this.emitter.emit("progress", event);
  }

  subscribe(listener: (event: ProgressEvent) => void): () => void {
    this.emitter.on("progress", listener);
    return () => this.emitter.off("progress", listener);
  }
}
