/** Object storage: the bytes of every stored video, image and audio file. */
export interface StoredObject {
  key: string;
  /** A URL a person or program can fetch (file:// for the local store, https for S3/R2). */
  url: string;
  /** A local path when the store is on this machine, else null. */
  path: string | null;
  size: number;
  contentType: string;
}

export interface ObjectStore {
  readonly name: string;
  put(
    key: string,
    sourcePath: string,
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<StoredObject>;
  head(key: string): Promise<StoredObject | null>;
  /** A local path holding the object's bytes (downloaded to cacheDir when the store is remote). */
  localPath(key: string, cacheDir: string): Promise<string>;
  delete(key: string): Promise<void>;
  /** Moves an object out of the live namespace, keeping its bytes for recovery. Returns the tombstone key. */
  tombstone(key: string): Promise<string>;
}

/** "captions": a scene's SRT or WebVTT file, stored beside its video. */
export type MediaKind = "video" | "image" | "audio" | "scene" | "captions";

/** One document per stored object. */
export interface MediaRecord {
  id: string;
  projectId: string;
  kind: MediaKind;
  key: string;
  url: string;
  status: "live" | "tombstoned";
  durationSeconds: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  generation: Record<string, unknown>;
  qualityScore: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface MediaRepository {
  readonly name: string;
  insert(record: MediaRecord): Promise<void>;
  get(id: string): Promise<MediaRecord | null>;
  update(id: string, patch: Partial<Omit<MediaRecord, "id">>): Promise<MediaRecord>;
  delete(id: string): Promise<void>;
  listByProject(projectId: string): Promise<MediaRecord[]>;
  close(): Promise<void>;
}
