/** CDS Hooks 2.0 §Feedback `outcome`. */
export type FeedbackOutcome = 'accepted' | 'overridden';
