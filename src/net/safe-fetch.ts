/**
 * Fetching URLs that came from outside (a provider's result, a source image): only https, only from
 * allowed hosts, never into private, loopback or link-local addresses. Hosts the operator configured
 * (a provider base URL pointing at a local or company server) are trusted explicitly instead.
 */
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { CutroomError } from "../errors.js";
import { isPrivateAddress } from "./addresses.js";

export { isPrivateAddress };

export interface UrlPolicy {
  /** Host names that may be fetched over https; "*.example.com" matches any subdomain. */
  allowedHosts: string[];
  /** Hosts (with optional :port) configured by the operator: http allowed and private addresses accepted. */
  trustedHosts: string[];
}

export type AddressLookup = (host: string) => Promise<string[]>;

const defaultLookup: AddressLookup = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** Whether a host name matches an allow-list entry: exact, or "*.example.com" for any subdomain of it. */
export function hostMatches(host: string, pattern: string): boolean {
  const wanted = pattern.toLowerCase();
  if (wanted.startsWith("*.")) return host.endsWith(wanted.slice(1)) && host.length > wanted.length - 1;
  return host === wanted;
}

function unsafe(url: string, why: string): CutroomError {
  return new CutroomError("UNSAFE_URL", `refusing to fetch ${redactUrl(url)}: ${why}`, { field: "url" });
}

/** The URL without its query or credentials, which may hold signed tokens. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/** Throws UNSAFE_URL unless the URL may be fetched under the policy. */
export async function assertSafeUrl(url: string, policy: UrlPolicy, resolve: AddressLookup = defaultLookup) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unsafe(url, "it is not a valid URL");
  }
  if (parsed.username !== "" || parsed.password !== "") throw unsafe(url, "URLs with credentials are not fetched");
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const trusted = policy.trustedHosts.some((entry) => entry.toLowerCase() === parsed.host.toLowerCase());
  if (trusted) {
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw unsafe(url, "only http(s) is fetched");
    return parsed;
  }
  if (parsed.protocol !== "https:") throw unsafe(url, "only https URLs are fetched");
  if (!policy.allowedHosts.some((pattern) => hostMatches(host, pattern))) {
    throw unsafe(url, `host ${host} is not in the allowed list (CUTROOM_FETCH_ALLOWED_HOSTS adds hosts)`);
  }
  const addresses = isIP(host) !== 0 ? [host] : await resolve(host).catch(() => [] as string[]);
  if (addresses.length === 0) throw unsafe(url, `host ${host} does not resolve`);
  if (addresses.some(isPrivateAddress)) throw unsafe(url, `host ${host} resolves to a private or loopback address`);
  return parsed;
}

export interface DownloadOptions {
  policy: UrlPolicy;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal | null;
  fetch?: typeof fetch;
  lookup?: AddressLookup;
}

const MAX_REDIRECTS = 3;

/**
 * Downloads a URL into a file. Redirects are followed by hand so every hop passes the same checks
 * (an allowed host redirecting to 169.254.169.254 is refused). The byte limit guards the disk.
 */
export async function downloadToFile(url: string, path: string, options: DownloadOptions): Promise<number> {
  const fetcher = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    await assertSafeUrl(current, options.policy, options.lookup);
    let response: Response;
    try {
      response = await fetcher(current, { redirect: "manual", signal });
    } catch (error) {
      throw downloadError(current, error, timeout.aborted, options.signal?.aborted === true, options.timeoutMs);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      await response.body?.cancel();
      if (location === null) throw new CutroomError("PROVIDER", `${redactUrl(current)} redirected without a location`);
      current = new URL(location, current).href;
      continue;
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new CutroomError("PROVIDER", `downloading ${redactUrl(current)} failed with HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > options.maxBytes) {
      await response.body.cancel();
      throw new CutroomError(
        "PROVIDER",
        `${redactUrl(current)} is ${declared} bytes, over the ${options.maxBytes} limit`,
      );
    }
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > options.maxBytes) done(new Error(`more than ${options.maxBytes} bytes`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), limit, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw downloadError(current, error, timeout.aborted, options.signal?.aborted === true, options.timeoutMs);
    }
    return received;
  }
  throw new CutroomError("PROVIDER", `${redactUrl(url)} redirected more than ${MAX_REDIRECTS} times`);
}

function downloadError(
  url: string,
  error: unknown,
  timedOut: boolean,
  cancelled: boolean,
  timeoutMs: number,
): CutroomError {
  if (error instanceof CutroomError) return error;
  if (cancelled) return new CutroomError("CANCELLED", `downloading ${redactUrl(url)} was cancelled`);
  if (timedOut) return new CutroomError("PROVIDER_TIMEOUT", `downloading ${redactUrl(url)} took over ${timeoutMs} ms`);
  const message = error instanceof Error ? error.message : String(error);
  return new CutroomError("PROVIDER", `downloading ${redactUrl(url)} failed: ${message}`, { cause: error });
}

/** Host (with port) of a configured base URL, to trust explicitly; null when unset or invalid. */
export function hostOf(baseUrl: string | null | undefined): string | null {
  if (!baseUrl) return null;
  try {
    return new URL(baseUrl).host;
  } catch {
    return null;
  }
}
