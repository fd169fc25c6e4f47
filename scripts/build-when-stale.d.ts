/** Types of build-when-stale.js (plain JavaScript: it runs before any build). */
export interface BuildState {
  readonly stale: boolean;
  readonly reason: string;
}
export function buildState(root: string): BuildState;
export function build(root: string): number;
