import { unlinkSync } from 'node:fs';

/**
 * Process-wide registry of temp files being written (`.<name>.<pid>.<hex>.tmp` beside their target), so
 * that a command stopped by SIGINT/SIGTERM can remove them before it exits (src/cli/lifecycle.ts).
 */
const tracked = new Set<string>();

/** Record a temp file that exists until the returned function is called (after its rename or unlink). */
export function trackTempFile(file: string): () => void {
  tracked.add(file);
  return () => {
    tracked.delete(file);
  };
}

/** Remove every tracked temp file now (synchronous: usable in signal and `exit` handlers). */
export function removeTrackedTempFiles(): void {
  for (const f of tracked) {
    try {
      unlinkSync(f);
    } catch {
      // already renamed or removed
    }
  }
  tracked.clear();
}
