import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import { jobQueueContract } from "../services/jobs-contract.js";

jobQueueContract("in-process", async (options) => new InProcessJobQueue(options));
