/**
 * Which methods a path answers, from the same route list as /api/openapi.json: OPTIONS lists them in
 * `Allow`, and any other method on a known path is 405 rather than the 404 of a path that does not exist.
 */
import type { NextFunction, Request, Response } from "express";
import { ApiError } from "./errors.js";
import { ROUTES } from "./openapi.js";

interface PathMethods {
  pattern: RegExp;
  /** Literal segments: where two documented paths match, the more literal one is the route express takes. */
  literals: number;
  methods: Set<string>;
}

function compile(): PathMethods[] {
  const byPath = new Map<string, PathMethods>();
  for (const route of ROUTES) {
    let entry = byPath.get(route.path);
    if (!entry) {
      const segments = route.path.split("/");
      const source = segments
        .map((segment) => (/^\{\w+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      entry = {
        pattern: new RegExp(`^${source}/?$`),
        literals: segments.filter((segment) => !segment.startsWith("{")).length,
        methods: new Set(),
      };
      byPath.set(route.path, entry);
    }
    entry.methods.add(route.method.toUpperCase());
    // Express answers HEAD with the GET handler.
    if (route.method === "get") entry.methods.add("HEAD");
  }
  return [...byPath.values()].sort((left, right) => right.literals - left.literals);
}

let compiled: PathMethods[] | null = null;

/** The methods of the documented path this request path is routed to, or null for an unknown path. */
export function allowedMethods(path: string): string[] | null {
  compiled ??= compile();
  const found = compiled.find((entry) => entry.pattern.test(path));
  if (!found) return null;
  return [...found.methods, "OPTIONS"].sort();
}

/** OPTIONS answers 204 with `Allow`; an undocumented method on a known path answers 405. */
export function methodGuard(request: Request, response: Response, next: NextFunction): void {
  const allowed = allowedMethods(request.path);
  if (allowed === null) return next();
  const allow = allowed.join(", ");
  if (request.method === "OPTIONS") {
    response.setHeader("Allow", allow);
    response.status(204).end();
    return;
  }
  if (allowed.includes(request.method)) return next();
  next(
    new ApiError(405, "METHOD_NOT_ALLOWED", `${request.method} is not allowed here; allowed: ${allow}`, {
      headers: { Allow: allow },
    }),
  );
}
