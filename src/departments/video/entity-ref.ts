/**
 * A character or location the head resolved in the Brain for a request. Apart from the state so the head's
 * policy can take one without importing the state, which holds the policy's adjustments.
 */
export interface EntityRef {
  id: string;
  name: string;
  referenceMediaIds: string[];
  referenceIds: string[];
  created: boolean;
  /** The references a generation may start from: none the local renderer drew when the model is paid. */
  imageReferenceMediaIds?: string[];
  /** The Brain ids of `imageReferenceMediaIds`, in the same order. */
  imageReferenceIds?: string[];
  /** Local drawings left out because the video model is paid: neither sent nor compared with its clip. */
  drawingsWithheld?: number;
  /** The character or place in words (a user's description first), for prompts. */
  description?: string;
}
