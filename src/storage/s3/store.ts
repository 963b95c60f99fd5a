/**
 * Object storage on S3, Cloudflare R2 or any S3-compatible endpoint (MinIO, s3rver). Large files go up
 * in parts; URLs are the public/CDN domain when one is configured, presigned GETs otherwise.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Config } from "../../config.js";
import { CutroomError } from "../../errors.js";
import { assertObjectKey } from "../local-store.js";
import type { ObjectStore, StoredObject } from "../types.js";

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Public or CDN host (R2_PUBLIC_DOMAIN) serving the bucket; null → presigned URLs. */
  publicDomain: string | null;
  presignSeconds?: number;
  /** Files larger than this go up as a multipart upload. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

const MIB = 1024 * 1024;

/** S3 metadata travels in HTTP headers: ASCII only, so other text is percent-encoded. */
function encodeMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).map(([name, value]) => [
      name.toLowerCase(),
      /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value),
    ]),
  );
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NotFound" || error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404)
  );
}

function storageError(action: string, key: string, error: unknown): CutroomError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CutroomError(
    "STORAGE",
    `could not ${action} ${key}: ${message}; check the bucket, endpoint and R2_* keys`,
    {
      cause: error,
    },
  );
}

export class S3ObjectStore implements ObjectStore {
  readonly name = "s3";
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly publicDomain: string | null;
  private readonly presignSeconds: number;
  private readonly multipartThresholdBytes: number;
  private readonly partSizeBytes: number;

  constructor(options: S3StoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.publicDomain = options.publicDomain?.replace(/^https?:\/\//, "").replace(/\/+$/, "") ?? null;
    this.presignSeconds = options.presignSeconds ?? 3600;
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? 64 * MIB;
    // S3 refuses parts under 5 MiB (except the last).
    this.partSizeBytes = Math.max(5 * MIB, options.partSizeBytes ?? 8 * MIB);
  }

  static fromConfig(
    config: Config,
    tuning: Pick<S3StoreOptions, "presignSeconds" | "multipartThresholdBytes" | "partSizeBytes"> = {},
  ): S3ObjectStore {
    const env = config.env;
    const required = (name: "R2_BUCKET_NAME" | "R2_ACCESS_KEY_ID" | "R2_SECRET_ACCESS_KEY") => {
      const value = env[name];
      if (value === undefined) {
        throw new CutroomError(
          "CONFIG",
          `${name} is not set: the S3/R2 store needs it (or unset S3_ENDPOINT / R2_ACCOUNT_ID to use the local store)`,
          {
            field: name,
          },
        );
      }
      return value;
    };
    if (env.R2_ACCOUNT_ID !== undefined && !/^[a-f0-9]{32}$/i.test(env.R2_ACCOUNT_ID)) {
      throw new CutroomError("CONFIG", "R2_ACCOUNT_ID must be the 32-character hex account id", {
        field: "R2_ACCOUNT_ID",
      });
    }
    const endpoint =
      env.S3_ENDPOINT ??
      (env.R2_ACCOUNT_ID === undefined ? undefined : `https://${env.R2_ACCOUNT_ID}.r2.cloudflarestorage.com`);
    const client = new S3Client({
      endpoint,
      region: env.S3_REGION ?? (env.R2_ACCOUNT_ID !== undefined ? "auto" : "us-east-1"),
      // Custom endpoints (MinIO, s3rver, proxies) rarely serve bucket subdomains.
      forcePathStyle: env.S3_ENDPOINT !== undefined,
      credentials: { accessKeyId: required("R2_ACCESS_KEY_ID"), secretAccessKey: required("R2_SECRET_ACCESS_KEY") },
      // The SDK's default streaming checksums frame the body; R2 and s3rver store the framing as data.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    return new S3ObjectStore({
      ...tuning,
      client,
      bucket: required("R2_BUCKET_NAME"),
      publicDomain: env.R2_PUBLIC_DOMAIN ?? null,
    });
  }

  async put(
    key: string,
    sourcePath: string,
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<StoredObject> {
    assertObjectKey(key);
    const size = await stat(sourcePath).then(
      (found) => found.size,
      (error: unknown) => {
        throw new CutroomError("STORAGE", `could not store ${sourcePath} as ${key}: the file is unreadable`, {
          cause: error,
        });
      },
    );
    const params = {
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      Metadata: encodeMetadata(options.metadata),
    };
    try {
      if (size > this.multipartThresholdBytes) {
        await new Upload({
          client: this.client,
          params: { ...params, Body: createReadStream(sourcePath) },
          partSize: this.partSizeBytes,
          queueSize: 2,
          leavePartsOnError: false,
        }).done();
      } else {
        await this.client.send(
          new PutObjectCommand({ ...params, Body: createReadStream(sourcePath), ContentLength: size }),
        );
      }
    } catch (error) {
      throw storageError("store", key, error);
    }
    const stored = await this.head(key);
    if (stored === null) throw new CutroomError("STORAGE", `object ${key} is missing right after it was stored; retry`);
    return stored;
  }

  async head(key: string): Promise<StoredObject | null> {
    assertObjectKey(key);
    try {
      const found = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        url: await this.urlOf(key),
        path: null,
        size: found.ContentLength ?? 0,
        contentType: found.ContentType ?? "application/octet-stream",
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw storageError("look up", key, error);
    }
  }

  /** Metadata as given to put (percent-encoded values decoded). */
  async metadata(key: string): Promise<Record<string, string> | null> {
    try {
      const found = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: assertObjectKey(key) }));
      return Object.fromEntries(
        Object.entries(found.Metadata ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
      );
    } catch (error) {
      if (isMissing(error)) return null;
      throw storageError("read metadata of", key, error);
    }
  }

  async urlOf(key: string): Promise<string> {
    if (this.publicDomain !== null)
      return `https://${this.publicDomain}/${key.split("/").map(encodeURIComponent).join("/")}`;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.presignSeconds,
    });
  }

  /** Downloads into cacheDir once; a cached copy of the same size is reused. */
  async localPath(key: string, cacheDir: string): Promise<string> {
    assertObjectKey(key);
    const target = join(cacheDir, "s3-cache", ...key.split("/"));
    const stored = await this.head(key);
    if (stored === null)
      throw new CutroomError("NOT_FOUND", `object ${key} is not in bucket ${this.bucket}`, { field: "key" });
    const cached = await stat(target).catch(() => null);
    if (cached !== null && cached.size === stored.size) return target;
    await mkdir(join(target, ".."), { recursive: true });
    const temporary = `${target}.part-${process.pid}`;
    try {
      const found = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      await pipeline(found.Body as Readable, createWriteStream(temporary));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw storageError("download", key, error);
    }
    return target;
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isMissing(error)) throw storageError("delete", key, error);
    }
  }

  /** Copies to tombstones/<key> (a time suffix when taken) and deletes the live object. */
  async tombstone(key: string): Promise<string> {
    if ((await this.head(key)) === null) {
      throw new CutroomError("NOT_FOUND", `object ${key} is not in the store, so it cannot be tombstoned`, {
        field: "key",
      });
    }
    let tombstoneKey = `tombstones/${key}`;
    if ((await this.head(tombstoneKey)) !== null) tombstoneKey = `${tombstoneKey}.${Date.now().toString(36)}`;
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: tombstoneKey,
          CopySource: `${this.bucket}/${key.split("/").map(encodeURIComponent).join("/")}`,
          MetadataDirective: "COPY",
        }),
      );
    } catch (error) {
      throw storageError("tombstone", key, error);
    }
    await this.delete(key);
    return tombstoneKey;
  }
}
