/**
 * Job completion and failure, POSTed to the URL a job named. Each delivery is signed:
 *   X-Cutroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * so a receiver can check both who sent it and that it is fresh (the timestamp is inside the MAC).
 * Network errors, 408, 429 and 5xx are retried with exponential backoff; other answers are final.
 * The target is checked again before every attempt (see webhook-target.ts): a host that has come to
 * resolve to a private address since the job was submitted gets nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.js";
import { isCutroomError } from "../errors.js";
import { newId } from "../ids.js";
import type { Logger } from "../logging.js";
import {
  addressesOf,
  assertPublicAddresses,
  assertWebhookTarget,
  parseWebhookUrl,
  postPinned,
  type WebhookPolicy,
} from "./webhook-target.js";

export { assertWebhookTarget, webhookAllowedHosts, type WebhookPolicy } from "./webhook-target.js";

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

export interface WebhookOptions extends Partial<WebhookPolicy> {
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

  readonly policy: WebhookPolicy;

  constructor(private readonly options: WebhookOptions) {
    // Private receivers are refused unless asked for: the safe answer when the caller did not say.
    this.policy = {
      allowPrivate: options.allowPrivate ?? false,
      allowedHosts: options.allowedHosts ?? null,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    };
  }

  /** The check at submit time: a 400 naming webhookUrl when this sender would refuse the URL. */
  assertTarget(url: string): Promise<void> {
    return assertWebhookTarget(url, this.policy);
  }

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
        const target = parseWebhookUrl(url, this.policy);
        const addresses = await addressesOf(target, this.policy);
        if (addresses.length === 0) throw new Error(`${target.hostname} does not resolve`);
        assertPublicAddresses(target, addresses, this.policy);
        lastStatus = await postPinned(
          target,
          addresses,
          {
            "content-type": "application/json",
            "user-agent": "cutroom-webhooks",
            "x-cutroom-event": event.event,
            "x-cutroom-delivery": deliveryId,
            // Signed per attempt so a slow retry still carries a fresh timestamp.
            [SIGNATURE_HEADER]: signPayload(this.options.secret, body, Math.floor(Date.now() / 1000)),
          },
          body,
          this.options.timeoutMs ?? 10_000,
        );
        if (lastStatus >= 200 && lastStatus < 300) {
          return { deliveryId, delivered: true, attempts: attempt, lastStatus, lastError: null };
        }
        lastError = `HTTP ${lastStatus}`;
        if (!RETRYABLE(lastStatus)) break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        // A refused target stays refused; asking again later would only retry the refusal.
        if (isCutroomError(error, "UNSAFE_URL")) break;
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
