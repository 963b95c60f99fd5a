/** s3rver on 127.0.0.1 with one bucket, and the environment pointing the S3 store at it. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface FakeS3 {
  endpoint: string;
  bucket: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** s3rver checks signatures against this fixed key pair. */
const ACCESS_KEY = "S3RVER";
const SECRET_KEY = "S3RVER";

export async function startFakeS3(bucket = "cutroom-test"): Promise<FakeS3> {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      S3_ENDPOINT: endpoint,
      R2_BUCKET_NAME: bucket,
      R2_ACCESS_KEY_ID: ACCESS_KEY,
      R2_SECRET_ACCESS_KEY: SECRET_KEY,
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
