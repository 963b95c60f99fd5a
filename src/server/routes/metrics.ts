/** GET /metrics: the process's metrics in Prometheus' text format, for holders of the metrics token. */
import { Router } from "express";
import { METRICS_CONTENT_TYPE, metricsRefusal, renderMetrics, type MetricsAccess } from "../../metrics.js";
import { ApiError } from "../errors.js";

export function metricsRoutes(access: MetricsAccess): Router {
  const router = Router();
  router.get("/metrics", async (request, response, next) => {
    const refusal = metricsRefusal(access, request.headers.authorization);
    if (refusal !== null) {
      next(new ApiError(401, "UNAUTHORIZED", refusal, { headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } }));
      return;
    }
    try {
      const page = await renderMetrics();
      response.setHeader("Content-Type", METRICS_CONTENT_TYPE);
      response.setHeader("Cache-Control", "no-store");
      response.send(page);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
