/**
 * What generated video costs. One rule serves both the estimate made before a request is run and the
 * cost recorded on each clip afterwards, so the two cannot disagree: the longest model-id prefix listed
 * in the price table (CUTROOM_PRICES entries replace or add to the list prices) gives the USD per
 * second, and a clip costs that rate times the seconds billed for it; a model the table does not list
 * is billed by its rule in the model registry (fal/registry.ts).
 */
import { modelCostUsd, registryEntry } from "./fal/registry.js";

/**
 * USD per second for a model: the longest listed prefix of its id, or null when none is listed. A plain
 * string prefix, so a price for "fal-ai/minimax-video" also covers "fal-ai/minimax-video-01-live": a
 * variant of a listed family is priced like it rather than recorded as free.
 */
export function listedPricePerSecond(model: string, prices: Readonly<Record<string, number>>): number | null {
  let best: string | null = null;
  for (const prefix of Object.keys(prices)) {
    if (prefix !== "" && model.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best === null ? null : prices[best]!;
}

/** USD for `seconds` at a rate, to a hundredth of a cent (the precision clip costs are recorded with). */
export function costAtRate(usdPerSecond: number, seconds: number): number {
  return Number((usdPerSecond * seconds).toFixed(4));
}

/**
 * USD for a clip of `seconds` of a model's video: a per-second price the table lists for the model (the
 * older FAL models, the local renderer, and any CUTROOM_PRICES entry) wins; otherwise the model's own
 * price rule in the registry (length tiers, minimum billed length, resolution, sound); a model neither
 * lists costs 0.
 */
export function videoCostUsd(
  model: string,
  seconds: number,
  prices: Readonly<Record<string, number>>,
  options: { resolution?: string | null; audio?: boolean } = {},
): number {
  const listed = listedPricePerSecond(model, prices);
  if (listed !== null) return costAtRate(listed, seconds);
  const entry = registryEntry(model);
  if (entry === null) return 0;
  return modelCostUsd(entry, { seconds, ...options }) ?? 0;
}

/** Whether a model has any price: a listed per-second rate or a registry rule. */
export function isPriced(model: string, prices: Readonly<Record<string, number>>): boolean {
  return listedPricePerSecond(model, prices) !== null || registryEntry(model) !== null;
}

/**
 * USD for one image of a model: the same longest-prefix rule over the per-image table (Config.imagePrices),
 * so an image's estimate and its recorded cost agree; a model the table does not list costs 0.
 */
export function imageCostUsd(model: string, prices: Readonly<Record<string, number>>): number {
  return costAtRate(listedPricePerSecond(model, prices) ?? 0, 1);
}
