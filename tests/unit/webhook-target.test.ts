/**
 * Where webhooks may go: the submit-time decision for each kind of target, the operator's allow-list,
 * and the resolver a delivery connects through. Nothing here connects anywhere; the decisions are checked.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import {
  assertWebhookTarget,
  pinnedLookup,
  webhookAllowedHosts,
  type WebhookPolicy,
} from "../../src/server/webhook-target.js";

/** A resolver with fixed answers, so no test depends on (or asks) real DNS. */
function fixedDns(answers: Record<string, string[]>) {
  return async (host: string) => {
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found;
  };
}

const dns = fixedDns({
  "hooks.example.com": ["93.184.216.34"],
  "api.hooks.example.org": ["2606:4700::1111"],
  "mixed.example.com": ["93.184.216.34", "10.0.0.5"],
  "metadata.example.com": ["::ffff:a9fe:a9fe"],
  "nat64.example.com": ["64:ff9b::a9fe:a9fe"],
  "localhost.example.com": ["127.0.0.1"],
});

const open: WebhookPolicy = { allowPrivate: false, allowedHosts: null, resolve: dns };

describe("webhook targets at submit", () => {
  it.each([
    ["http://hooks.example.com/in", "a public host"],
    ["https://api.hooks.example.org/in", "a public IPv6 host"],
    ["https://93.184.216.34/in", "a public IPv4 literal"],
    ["https://[2606:4700::1111]/in", "a public IPv6 literal"],
  ])("accepts %s (%s)", async (url) => {
    await expect(assertWebhookTarget(url, open)).resolves.toBeUndefined();
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data", "metadata literal"],
    ["http://[::ffff:7f00:1]:8080/", "IPv4-mapped loopback in hex"],
    ["http://[::7f00:1]/", "IPv4-compatible loopback"],
    ["http://[::127.0.0.1]/", "IPv4-compatible loopback, dotted"],
    ["http://[64:ff9b::a9fe:a9fe]/", "NAT64 metadata"],
    ["http://[2002:a9fe:a9fe::1]/", "6to4 metadata"],
    ["http://[fec0::1]/", "site-local"],
    ["http://[2001:0:4136:e378::1]/", "Teredo"],
    ["http://0x7f.1/", "loopback written in hex"],
    ["http://2130706433/", "loopback as one number"],
    ["http://mixed.example.com/", "one private address among public ones"],
    ["http://metadata.example.com/", "a name resolving to mapped metadata"],
    ["http://nat64.example.com/", "a name resolving to NAT64 metadata"],
    ["http://localhost.example.com/", "a name resolving to loopback"],
  ])("refuses %s (%s)", async (url) => {
    await expect(assertWebhookTarget(url, open)).rejects.toMatchObject({
      code: "UNSAFE_URL",
      field: "webhookUrl",
      message: expect.stringMatching(/private, loopback or reserved/),
    });
  });

  it("names the address a host resolved to", async () => {
    await expect(assertWebhookTarget("http://mixed.example.com/", open)).rejects.toThrow(
      "webhookUrl host mixed.example.com resolves to 10.0.0.5, which is a private, loopback or reserved address",
    );
  });

  it("refuses what does not resolve, is not http(s) or carries credentials", async () => {
    await expect(assertWebhookTarget("http://nowhere.example.net/", open)).rejects.toThrow(/does not resolve/);
    await expect(assertWebhookTarget("ftp://hooks.example.com/", open)).rejects.toThrow(/http\(s\)/);
    await expect(assertWebhookTarget("https://user:secret@hooks.example.com/", open)).rejects.toThrow(
      /must not carry credentials/,
    );
  });

  it("lets private receivers through only when the policy allows them (serving on loopback)", async () => {
    const local = { ...open, allowPrivate: true };
    await expect(assertWebhookTarget("http://127.0.0.1:9999/hooks", local)).resolves.toBeUndefined();
    await expect(assertWebhookTarget("http://localhost.example.com/hooks", local)).resolves.toBeUndefined();
  });

  it("accepts only the operator's hosts when an allow-list is set, and still refuses private ones", async () => {
    const listed: WebhookPolicy = { ...open, allowedHosts: ["hooks.example.com", "*.hooks.example.org"] };
    await expect(assertWebhookTarget("https://hooks.example.com/in", listed)).resolves.toBeUndefined();
    await expect(assertWebhookTarget("https://HOOKS.example.com/in", listed)).resolves.toBeUndefined();
    await expect(assertWebhookTarget("https://api.hooks.example.org/in", listed)).resolves.toBeUndefined();
    for (const url of [
      "https://hooks.example.org/in",
      "https://evil.example.com/in",
      "https://hooks.example.com.evil.net/in",
      "https://93.184.216.34/in",
    ]) {
      await expect(assertWebhookTarget(url, listed)).rejects.toMatchObject({
        code: "UNSAFE_URL",
        field: "webhookUrl",
        message: expect.stringContaining("only sends webhooks to hooks.example.com, *.hooks.example.org"),
      });
    }
    const listedPrivate: WebhookPolicy = { ...open, allowedHosts: ["localhost.example.com"] };
    await expect(assertWebhookTarget("http://localhost.example.com/", listedPrivate)).rejects.toThrow(/loopback/);
  });
});

describe("CUTROOM_WEBHOOK_ALLOWED_HOSTS", () => {
  it("is read as a trimmed, lower-case list, and unset means any public host", () => {
    expect(webhookAllowedHosts({ CUTROOM_WEBHOOK_ALLOWED_HOSTS: " Hooks.Example.com, *.example.org ,[::1]" })).toEqual([
      "hooks.example.com",
      "*.example.org",
      "::1",
    ]);
    expect(webhookAllowedHosts({})).toBeNull();
    expect(webhookAllowedHosts(loadConfig({ CUTROOM_WEBHOOK_ALLOWED_HOSTS: "hooks.example.com" }).env)).toEqual([
      "hooks.example.com",
    ]);
  });

  it("is refused by the config when an entry is not a host name", () => {
    for (const value of ["https://hooks.example.com", "hooks.example.com/path", "*", "a b", "hooks.example.com:8080"]) {
      expect(() => loadConfig({ CUTROOM_WEBHOOK_ALLOWED_HOSTS: value }), value).toThrow(
        expect.objectContaining({ code: "CONFIG", field: "CUTROOM_WEBHOOK_ALLOWED_HOSTS" }),
      );
    }
  });
});

describe("the resolver a delivery connects through", () => {
  const lookup = pinnedLookup(["93.184.216.34", "2606:4700::1111"]);
  const ask = (options: { family?: number; all?: boolean }) =>
    new Promise<{ error: Error | null; result: unknown[] }>((resolve) =>
      lookup("hooks.example.com", options as never, (error, ...result) => resolve({ error, result })),
    );

  it("answers only with the checked addresses, whatever the name", async () => {
    expect((await ask({})).result).toEqual(["93.184.216.34", 4]);
    expect((await ask({ family: 6 })).result).toEqual(["2606:4700::1111", 6]);
    expect((await ask({ all: true })).result).toEqual([
      [
        { address: "93.184.216.34", family: 4 },
        { address: "2606:4700::1111", family: 6 },
      ],
    ]);
  });

  it("fails rather than look further when no checked address has the family asked for", async () => {
    const only4 = pinnedLookup(["93.184.216.34"]);
    const error = await new Promise<Error | null>((resolve) =>
      only4("hooks.example.com", { family: 6 } as never, (failure) => resolve(failure)),
    );
    expect(error).toMatchObject({ code: "ENOTFOUND" });
  });
});
