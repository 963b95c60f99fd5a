/**
 * Where a webhook may go, checked when the job is submitted and again for every delivery attempt, and
 * the delivery itself. A host name is resolved once per attempt, every address it gave is checked, and
 * the connection goes to exactly those addresses (the request keeps the host name for its Host header and
 * TLS server name): a DNS answer that changes between the check and the connection never gets a say.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Env } from "../config.js";
import { CutroomError } from "../errors.js";
import { isPrivateAddress } from "../net/addresses.js";
import { hostMatches, type AddressLookup } from "../net/safe-fetch.js";

export interface WebhookPolicy {
  /** Private and loopback receivers; only when the server itself listens on loopback (local development). */
  allowPrivate: boolean;
  /** CUTROOM_WEBHOOK_ALLOWED_HOSTS: the only hosts that may receive webhooks; null lets any public host. */
  allowedHosts: string[] | null;
  /** Resolves a host name to all of its addresses; the system resolver unless a test injects one. */
  resolve?: AddressLookup;
}

/** The allow-list from CUTROOM_WEBHOOK_ALLOWED_HOSTS (validated by the config), or null when it is unset. */
export function webhookAllowedHosts(env: Pick<Env, "CUTROOM_WEBHOOK_ALLOWED_HOSTS">): string[] | null {
  const entries = (env.CUTROOM_WEBHOOK_ALLOWED_HOSTS ?? "")
    .split(",")
    .map((entry) => bareHost(entry.trim()))
    .filter((entry) => entry !== "");
  return entries.length > 0 ? entries : null;
}

const systemResolve: AddressLookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

function bareHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, "");
}

function refused(message: string): CutroomError {
  return new CutroomError("UNSAFE_URL", message, { field: "webhookUrl" });
}

/** The parts of the check that need no DNS: scheme, credentials and the operator's allow-list. */
export function parseWebhookUrl(url: string, policy: WebhookPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refused("webhookUrl must be an absolute http(s) URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw refused(`webhookUrl must be an http(s) URL, not ${parsed.protocol}`);
  if (parsed.username !== "" || parsed.password !== "")
    throw refused("webhookUrl must not carry credentials: receivers check the X-Cutroom-Signature header instead");
  const host = bareHost(parsed.hostname);
  if (policy.allowedHosts !== null && !policy.allowedHosts.some((pattern) => hostMatches(host, pattern))) {
    throw refused(
      `webhookUrl host ${host} is not allowed: this server only sends webhooks to ${policy.allowedHosts.join(", ")} (CUTROOM_WEBHOOK_ALLOWED_HOSTS)`,
    );
  }
  return parsed;
}

/** Every address the URL's host has now; [] when it does not resolve (which may pass: DNS has bad minutes). */
export async function addressesOf(target: URL, policy: WebhookPolicy): Promise<string[]> {
  const host = bareHost(target.hostname);
  if (isIP(host) !== 0) return [host];
  const found = await (policy.resolve ?? systemResolve)(host).catch(() => []);
  // Only addresses a socket can be pinned to count; anything else would fall back to asking DNS again.
  return found.filter((address) => isIP(address) !== 0);
}

/** Refuses the target when any of its addresses is private, unless the policy allows private receivers. */
export function assertPublicAddresses(target: URL, addresses: string[], policy: WebhookPolicy): void {
  if (policy.allowPrivate) return;
  const blocked = addresses.find(isPrivateAddress);
  if (blocked === undefined) return;
  const host = bareHost(target.hostname);
  throw refused(
    `webhookUrl host ${host}${blocked === host ? "" : ` resolves to ${blocked}, which`} is a private, loopback or reserved address; those are only allowed when serving on loopback`,
  );
}

/** The whole check, as done when a job is submitted. */
export async function assertWebhookTarget(url: string, policy: WebhookPolicy): Promise<void> {
  const target = parseWebhookUrl(url, policy);
  const addresses = await addressesOf(target, policy);
  if (addresses.length === 0) throw refused(`webhookUrl host ${bareHost(target.hostname)} does not resolve`);
  assertPublicAddresses(target, addresses, policy);
}

/** A resolver for one connection that answers only with the addresses already checked. */
export function pinnedLookup(addresses: string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (hostname, options, callback) => {
    const usable = entries.filter((entry) => !options.family || entry.family === options.family);
    if (usable.length === 0) {
      const error = Object.assign(new Error(`no checked IPv${options.family} address for ${hostname}`), {
        code: "ENOTFOUND",
      });
      callback(error, "", 0);
      return;
    }
    // Node asks for every address (all: true) when it races IPv4 against IPv6, for one otherwise.
    if (options.all) (callback as unknown as (error: null, all: typeof entries) => void)(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

/**
 * POSTs the body to the target, connecting only to the given addresses, and answers the status code.
 * A new connection each time (no pooled socket opened for an earlier check) and no redirects followed.
 */
export function postPinned(
  target: URL,
  addresses: string[],
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const options: RequestOptions = {
    method: "POST",
    headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    agent: false,
    lookup: pinnedLookup(addresses),
  };
  return new Promise((resolve, reject) => {
    const request = send(target, options, (response) => {
      clearTimeout(deadline);
      // Only the status matters; the receiver's body is not read.
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.end(body);
  });
}
