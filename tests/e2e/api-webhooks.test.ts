/**
 * Webhook targets are checked again when they are delivered to, and the delivery connects to exactly the
 * address that was checked; an operator's allow-list holds at submit and at delivery. Every delivery goes
 * to a receiver on 127.0.0.1 started here; blocked targets are checked by the decision, never connected to.
 */
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createSecureContext } from "node:tls";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verifySignature, WebhookSender, type WebhookOptions } from "../../src/server/webhooks.js";
import { KEY_A, startHarness, startReceiver, WEBHOOK_SECRET } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const quiet = { info: () => {}, warn: () => {} };
const event = {
  event: "video-job.completed" as const,
  jobId: "job_x",
  projectId: "alpha",
  status: "completed" as const,
  result: { ok: true },
  error: null,
};

/** A throwaway self-signed certificate for hooks.cutroom.invalid (a name no resolver knows), test-only. */
const TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwiLiP1Wj6UD7mpXU
3B2XfNPevQR0tExRkE2TS7TaWMqhRANCAAT9/Lqc/i840l/u3NZE4p4vBr13xMN0
ya//9Dq1awTSrX5P0IEwgoiwj4vBFEx1ZKZ0u2W85EgHStnbinXCnvv1
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBuTCCAV+gAwIBAgIUFJOdZEDg0sgmF6JmcnDDJJwn6I8wCgYIKoZIzj0EAwIw
IDEeMBwGA1UEAwwVaG9va3MuY3V0cm9vbS5pbnZhbGlkMCAXDTI2MTEzMDA5NTEz
MloYDzIxMjYxMTA2MDk1MTMyWjAgMR4wHAYDVQQDDBVob29rcy5jdXRyb29tLmlu
dmFsaWQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT9/Lqc/i840l/u3NZE4p4v
Br13xMN0ya//9Dq1awTSrX5P0IEwgoiwj4vBFEx1ZKZ0u2W85EgHStnbinXCnvv1
o3UwczAdBgNVHQ4EFgQUuToiZ0fOA7Z6rz1yt+NMSYDhdu4wHwYDVR0jBBgwFoAU
uToiZ0fOA7Z6rz1yt+NMSYDhdu4wDwYDVR0TAQH/BAUwAwEB/zAgBgNVHREEGTAX
ghVob29rcy5jdXRyb29tLmludmFsaWQwCgYIKoZIzj0EAwIDSAAwRQIgIcRklR4G
7R27WTlGGlHSYpkTPjT991Nqz6Y+Bm4MRqYCIQCSckD8XPcE5CsNbvCISCQUvt4r
jL21rykdjbuYtpvwtA==
-----END CERTIFICATE-----
`,
};

/** A sender whose resolver gives the scripted answers (the last one from then on) and notes each question. */
function senderWith(answers: string[][], options: Partial<WebhookOptions> = {}) {
  const asked: string[] = [];
  const sender = new WebhookSender({
    secret: WEBHOOK_SECRET,
    log: quiet,
    baseDelayMs: 1,
    ...options,
    resolve: async (host) => {
      asked.push(host);
      return answers.length > 1 ? answers.shift()! : answers[0]!;
    },
  });
  return { sender, asked };
}

describe("webhook delivery", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let port: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    port = new URL(receiver.url).port;
  });
  afterAll(async () => receiver.close());

  it("checks the target again at delivery: a name that now resolves to loopback gets nothing", async () => {
    // The first answer (at submit) is public; the second (at delivery) is the rebinding one.
    const { sender, asked } = senderWith([["93.184.216.34"], ["127.0.0.1"]], { maxAttempts: 3 });
    const url = `http://rebind.example.com:${port}/hooks`;
    await sender.assertTarget(url);
    const before = receiver.received.length;
    const outcome = await sender.send(url, event);
    expect(outcome).toMatchObject({ delivered: false, attempts: 1, lastStatus: null });
    expect(outcome.lastError).toMatch(/resolves to 127\.0\.0\.1, which is a private, loopback or reserved address/);
    expect(asked).toEqual(["rebind.example.com", "rebind.example.com"]);
    expect(receiver.received.length).toBe(before);
  });

  it("connects to the address it checked, keeping the host name in the Host header", async () => {
    // The system resolver knows nothing of this name: reaching the receiver proves the checked answer was used.
    const { sender, asked } = senderWith([["127.0.0.1"]], { allowPrivate: true });
    const hook = receiver.next();
    const outcome = await sender.send(`http://hooks.cutroom.invalid:${port}/hooks`, event);
    expect(outcome).toMatchObject({ delivered: true, attempts: 1, lastStatus: 200 });
    const received = await hook;
    expect(received.headers.host).toBe(`hooks.cutroom.invalid:${port}`);
    expect(verifySignature(WEBHOOK_SECRET, received.body, String(received.headers[SIGNATURE_HEADER]))).toBe(true);
    expect(JSON.parse(received.body)).toMatchObject({ event: "video-job.completed", jobId: "job_x" });
    expect(asked).toEqual(["hooks.cutroom.invalid"]);
  });

  it("speaks TLS to the checked address under the original host name", async () => {
    const serverNames: string[] = [];
    const context = createSecureContext(TLS);
    const tls = createHttpsServer(
      {
        ...TLS,
        SNICallback: (name, done) => {
          serverNames.push(name);
          done(null, context);
        },
      },
      (_request, response) => response.end(),
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    try {
      const { sender } = senderWith([["127.0.0.1"]], { allowPrivate: true, maxAttempts: 1 });
      const outcome = await sender.send(`https://hooks.cutroom.invalid:${(tls.address() as AddressInfo).port}/`, event);
      // The name went out as SNI and the certificate is still verified: a self-signed one is refused.
      expect(serverNames).toEqual(["hooks.cutroom.invalid"]);
      expect(outcome).toMatchObject({ delivered: false, lastStatus: null });
      expect(outcome.lastError).toMatch(/self-signed certificate/);
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }
  });

  it("resolves again for each retry", async () => {
    const flaky = await startReceiver([503]);
    try {
      const { sender, asked } = senderWith([["127.0.0.1"]], { allowPrivate: true, maxAttempts: 4 });
      const url = `http://flaky.cutroom.invalid:${new URL(flaky.url).port}/hooks`;
      expect(await sender.send(url, event)).toMatchObject({ delivered: true, attempts: 2, lastStatus: 200 });
      expect(asked).toHaveLength(2);
      expect(flaky.received).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it("does not retry a refused target, but does retry a name that does not resolve for now", async () => {
    const internal = senderWith([["10.0.0.7"]], { maxAttempts: 3 });
    const refused = await internal.sender.send("https://internal.example.com/hooks", event);
    expect(refused).toMatchObject({ delivered: false, attempts: 1, lastStatus: null });
    expect(refused.lastError).toMatch(/resolves to 10\.0\.0\.7/);
    expect(internal.asked).toHaveLength(1);
    const unresolved = await senderWith([[]], { maxAttempts: 3 }).sender.send("https://gone.example.com/hooks", event);
    expect(unresolved).toMatchObject({ delivered: false, attempts: 3, lastError: "gone.example.com does not resolve" });
  });

  it("holds the allow-list at delivery too", async () => {
    const sender = new WebhookSender({
      secret: WEBHOOK_SECRET,
      log: quiet,
      allowPrivate: true,
      allowedHosts: ["hooks.example.com"],
    });
    const before = receiver.received.length;
    const outcome = await sender.send(receiver.url, event);
    expect(outcome).toMatchObject({ delivered: false, attempts: 1 });
    expect(outcome.lastError).toMatch(/only sends webhooks to hooks\.example\.com/);
    expect(receiver.received.length).toBe(before);
  });

  it("refuses private receivers unless told the server serves on loopback", async () => {
    const sender = new WebhookSender({ secret: WEBHOOK_SECRET, log: quiet, maxAttempts: 1 });
    await expect(sender.assertTarget(receiver.url)).rejects.toMatchObject({ code: "UNSAFE_URL" });
    const before = receiver.received.length;
    expect(await sender.send(receiver.url, event)).toMatchObject({ delivered: false, attempts: 1 });
    expect(receiver.received.length).toBe(before);
  });
});

describe("CUTROOM_WEBHOOK_ALLOWED_HOSTS on the server", () => {
  it("refuses other hosts with a 400 naming webhookUrl, and delivers to a listed one", async () => {
    const receiver = await startReceiver();
    const harness = await startHarness({ env: { CUTROOM_WEBHOOK_ALLOWED_HOSTS: "localhost,*.example.com" } });
    try {
      const { port } = new URL(receiver.url);
      const generate = (webhookUrl: string) =>
        request(harness.server.app)
          .post("/api/v1/projects/alpha/videos/generate")
          .set(A)
          .send({ prompt: "generate Sarah walking in the park", webhookUrl });
      const refused = await generate(receiver.url).expect(400);
      expect(refused.body.error).toMatchObject({
        code: "UNSAFE_URL",
        fields: { webhookUrl: expect.stringContaining("localhost, *.example.com") },
      });
      await generate(`http://example.com.evil.test:${port}/hooks`).expect(400);

      const hook = receiver.next();
      const queued = await generate(`http://localhost:${port}/hooks`).expect(202);
      const delivered = await hook;
      expect(JSON.parse(delivered.body)).toMatchObject({ jobId: queued.body.jobId, status: "completed" });
      expect(delivered.headers.host).toBe(`localhost:${port}`);
    } finally {
      await harness.cleanup();
      await receiver.close();
    }
  });
});
