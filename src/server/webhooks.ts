/**
 * Job completion and failure, POSTed to the URL a job named. Each delivery is signed:
 *   X-Cutroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * so a receiver can check both who sent it and that it is fresh (the timestamp is inside the MAC).
 * Network errors, 408, 429 and 5xx are retried with exponential backoff; other answers are final.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Config } from "../config.js";
import { CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { isPrivateAddress } from "../net/safe-fetch.js";
import type { Logger } from "../runtime.js";

export const SIGNATURE_HEADER = "x-cutroom-signature";

export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}

/** Receiver side, exported for tests and as the reference for the README's recipe. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const parts = Object.fromEntries(
    header.split(",").map((part) => {
      const [name, ...value] = part.trim().split("=");
      return [name, value.join("=")];
    }),
  ) as Record<string, string | undefined>;
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, body, timestamp).split("v1=")[1]!, "hex");
  return timingSafeEqual(expected, Buffer.from(parts.v1, "hex"));
}

/** CUTROOM_WEBHOOK_SECRET, or a secret generated once and kept in the data dir. */
export async function loadWebhookSecret(config: Config): Promise<{ secret: string; file: string | null }> {
  if (config.env.CUTROOM_WEBHOOK_SECRET) return { secret: config.env.CUTROOM_WEBHOOK_SECRET, file: null };
  const file = join(config.dataDir, "webhook-secret");
  if (existsSync(file)) {
    const saved = (await readFile(file, "utf8")).trim();
    if (saved.length >= 16) return { secret: saved, file };
  }
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${secret}\n`, { mode: 0o600 });
  await rename(temporary, file);
  return { secret, file };
}

/**
 * A webhook may not aim the server at its own network (metadata services, admin ports) unless the
 * server itself only listens on loopback, i.e. it is someone's local development setup.
 */
export async function assertWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const addresses =
    isIP(host) !== 0 ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((entry) => entry.address);
  if (addresses.length === 0)
    throw new CutroomError("UNSAFE_URL", `webhookUrl host ${host} does not resolve`, { field: "webhookUrl" });
  if (addresses.some(isPrivateAddress)) {
    throw new CutroomError(
      "UNSAFE_URL",
      `webhookUrl host ${host} is a private or loopback address; those are only allowed when serving on loopback`,
      { field: "webhookUrl" },
    );
  }
}

export interface WebhookEvent {
  event: "video-job.completed" | "video-job.failed";
  jobId: string;
  projectId: string;
  status: "completed" | "failed";
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface DeliveryOutcome {
  deliveryId: string;
  delivered: boolean;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface WebhookOptions {
  secret: string;
  maxAttempts?: number;
  /** First retry delay; each later one doubles. */
  baseDelayMs?: number;
  timeoutMs?: number;
  log: Logger;
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

export class WebhookSender {
  private readonly inFlight = new Set<Promise<DeliveryOutcome>>();

  constructor(private readonly options: WebhookOptions) {}

  send(url: string, event: WebhookEvent): Promise<DeliveryOutcome> {
    const delivery = this.deliver(url, event);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
    return delivery;
  }

  private async deliver(url: string, event: WebhookEvent): Promise<DeliveryOutcome> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const baseDelay = this.options.baseDelayMs ?? 1000;
    const deliveryId = newId("dlv");
    const body = JSON.stringify({ ...event, deliveryId, sentAt: new Date().toISOString() });
    let lastStatus: number | null = null;
    let lastError: string | null = null;
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      attempts = attempt;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "cutroom-webhooks",
            "x-cutroom-event": event.event,
            "x-cutroom-delivery": deliveryId,
            // Signed per attempt so a slow retry still carries a fresh timestamp.
            [SIGNATURE_HEADER]: signPayload(this.options.secret, body, Math.floor(Date.now() / 1000)),
          },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        lastStatus = response.status;
        await response.body?.cancel();
        if (response.status >= 200 && response.status < 300) {
          return { deliveryId, delivered: true, attempts: attempt, lastStatus, lastError: null };
        }
        lastError = `HTTP ${response.status}`;
        if (!RETRYABLE(response.status)) break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      if (attempt < maxAttempts) await new Promise((done) => setTimeout(done, baseDelay * 2 ** (attempt - 1)));
    }
    this.options.log.warn(`webhook ${deliveryId} for job ${event.jobId} not delivered to ${url}: ${lastError}`);
    return { deliveryId, delivered: false, attempts, lastStatus, lastError };
  }

  /** Waits for deliveries still retrying (used on shutdown and by tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
