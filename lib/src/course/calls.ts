// Which library functions a piece of code called. An exercise asks the learner to write what a library function
// does (rl.simpleRnnStep, rl.lstmStep, rl.upDownLabels, ...); its check records the calls the learner's answer makes,
// so that an answer that only calls the library function is told so instead of being counted as passed.

let recording: Set<string> | null = null;

/** Called at the top of each function an exercise may not simply call; a no-op unless a check is recording. */
export function noteLibraryCall(name: string): void {
  if (recording) recording.add(name);
}

/** Runs f and returns what it returned (or threw) with the names of the noted library functions it called. */
export function recordLibraryCalls<T>(f: () => T): { calls: Set<string>; value?: T; error?: unknown; threw: boolean } {
  const outer = recording;
  const calls = new Set<string>();
  recording = calls;
  try {
    return { calls, value: f(), threw: false };
  } catch (error) {
    return { calls, error, threw: true };
  } finally {
    recording = outer;
    if (outer) for (const c of calls) outer.add(c);
  }
}
