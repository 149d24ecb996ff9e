// Profile: one environment variable, RNNLAB_PROFILE, picks "full" (the lesson as written) or "quick"
// (smaller data, fewer epochs) so that CI can run every notebook in minutes.

export type ProfileName = "full" | "quick";

/** The active profile: RNNLAB_PROFILE=quick, or full when unset. Anything else is an error, not a guess. */
export function profile(): ProfileName {
  const raw = (process.env.RNNLAB_PROFILE ?? "full").trim().toLowerCase();
  if (raw === "" || raw === "full") return "full";
  if (raw === "quick") return "quick";
  throw new Error(`RNNLAB_PROFILE='${process.env.RNNLAB_PROFILE}' is not a profile; expected 'full' or 'quick'`);
}

export function isQuick(): boolean {
  return profile() === "quick";
}

/**
 * Picks a value by profile, so a notebook cell states both sizes in one place:
 * `const epochs = byProfile({ full: 10, quick: 1 })`.
 */
export function byProfile<T>(values: { full: T; quick: T }): T {
  return values[profile()];
}
