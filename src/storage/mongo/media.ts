/**
 * Media records in MongoDB: one document per stored object in the `media` collection, keyed by the record
 * id (`_id`), with indexes for the look-ups the program makes (by project in time order, by object key,
 * by take).
 */
import type { Collection, IndexDescription, MongoClient } from "mongodb";
import { CutroomError, assertId } from "../../errors.js";
import type { MediaRecord, MediaRepository } from "../types.js";
import { messageOf, redactUri } from "./client.js";

type MediaDocument = Omit<MediaRecord, "id"> & { _id: string };

const INDEXES: IndexDescription[] = [
  { key: { projectId: 1, createdAt: 1 }, name: "project_created" },
  { key: { key: 1 }, name: "object_key", unique: true },
  { key: { "generation.takeId": 1 }, name: "generation_take" },
  { key: { kind: 1, status: 1 }, name: "kind_status" },
];

export class MongoMediaRepository implements MediaRepository {
  readonly name = "mongodb";

  private constructor(
    private readonly collection: Collection<MediaDocument>,
    private readonly where: string,
    private readonly closeClient: (() => Promise<void>) | null,
  ) {}

  /** Uses the given client; closes it on close() only when `ownsClient` is true. */
  static async open(options: {
    client: MongoClient;
    database: string;
    uri: string;
    ownsClient?: boolean;
  }): Promise<MongoMediaRepository> {
    const collection = options.client.db(options.database).collection<MediaDocument>("media");
    const where = `${redactUri(options.uri)} (collection media)`;
    try {
      // One index per call: FerretDB 1.24 drops the connection when one call names several indexes that
      // already exist; MongoDB accepts either form.
      for (const index of INDEXES) await collection.createIndexes([index]);
    } catch (error) {
      throw new CutroomError("STORAGE", `could not create the media indexes on ${where}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return new MongoMediaRepository(collection, where, options.ownsClient ? () => options.client.close() : null);
  }

  async insert(record: MediaRecord): Promise<void> {
    assertId(record.id, "id");
    const { id, ...rest } = record;
    try {
      await this.collection.insertOne({ _id: id, ...rest });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        throw new CutroomError(
          "INVALID_INPUT",
          `media record ${id} (or its object key) already exists; update it instead`,
          {
            field: "id",
            cause: error,
          },
        );
      }
      throw this.failure(error);
    }
  }

  async get(id: string): Promise<MediaRecord | null> {
    const found = await this.collection
      .findOne({ _id: id })
      .catch((error: unknown) => Promise.reject(this.failure(error)));
    return found === null ? null : fromDocument(found);
  }

  async update(id: string, patch: Partial<Omit<MediaRecord, "id">>): Promise<MediaRecord> {
    // The id is the identity and never changes, whatever the patch carries at run time.
    const { id: _ignored, ...fields } = patch as Partial<MediaRecord>;
    void _ignored;
    const updated = await this.collection
      .findOneAndUpdate(
        { _id: id },
        { $set: { ...fields, updatedAt: new Date().toISOString() } },
        { returnDocument: "after" },
      )
      .catch((error: unknown) => Promise.reject(this.failure(error)));
    if (updated === null) throw new CutroomError("NOT_FOUND", `media record ${id} does not exist`, { field: "id" });
    return fromDocument(updated);
  }

  async delete(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id }).catch((error: unknown) => Promise.reject(this.failure(error)));
  }

  async listByProject(projectId: string): Promise<MediaRecord[]> {
    const found = await this.collection
      .find({ projectId })
      .sort({ createdAt: 1, _id: 1 })
      .toArray()
      .catch((error: unknown) => Promise.reject(this.failure(error)));
    return found.map(fromDocument);
  }

  async close(): Promise<void> {
    await this.closeClient?.();
  }

  private failure(error: unknown): CutroomError {
    if (error instanceof CutroomError) return error;
    return new CutroomError("STORAGE", `media records on ${this.where}: ${messageOf(error)}`, { cause: error });
  }
}

function fromDocument(document: MediaDocument): MediaRecord {
  const { _id, ...rest } = document;
  return { id: _id, ...rest };
}
