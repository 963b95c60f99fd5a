/**
 * The three answers a finished take waits for. On their own so the router, which reads them from a message,
 * and the state, which records them, need not import each other.
 */
export const CHOICES = ["accept", "regenerate", "discard"] as const;
export type Choice = (typeof CHOICES)[number];
