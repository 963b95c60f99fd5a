/** The JobQueue contract on the in-process queue and on BullMQ with a real Redis. */
import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { BullMqJobQueue } from "../../src/jobs/bullmq.js";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import { servicesEnv } from "./env.js";
import { jobQueueContract } from "./jobs-contract.js";

jobQueueContract("in-process", async (options) => new InProcessJobQueue(options));

const env = servicesEnv();
describe.skipIf(env === null)("on a real Redis", () => {
  // A fresh queue name per queue, so runs and tests never share jobs.
  jobQueueContract("bullmq", (options) =>
    BullMqJobQueue.open({ ...options, url: env!.REDIS_URL, queueName: `contract-${randomBytes(4).toString("hex")}` }),
  );
});
