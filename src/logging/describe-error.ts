/** What a log line says of a failure: its class and message (store and driver errors carry no PHI). */
export function describeError(error: unknown): { errorName: string; errorMessage?: string } {
  return error instanceof Error ? { errorName: error.name, errorMessage: error.message } : { errorName: typeof error };
}
