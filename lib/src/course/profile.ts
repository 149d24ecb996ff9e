// Profile: one setting, RNNLAB_PROFILE (read by config.ts), picks "full" (the lesson as written) or "quick"
// (smaller data, fewer epochs) so that CI can run every notebook in minutes.
import { profileSetting } from "../config";
import type { ProfileName } from "../config";

export type { ProfileName };

/** The active profile: RNNLAB_PROFILE=quick (in any case), or full when unset. Anything else is an error, not a guess. */
export function profile(): ProfileName {
  return profileSetting();
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
