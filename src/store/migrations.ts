/**
 * The schema, as an append-only list of plain SQL migrations run by both PGlite and PostgreSQL.
 * Never edit an applied migration: add a new one. Applied versions are tracked in
 * schema_migrations (see migrate.ts).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'issued cards, feedback, jwt replay cache',
    sql: `
      CREATE TABLE issued_cards (
        uuid          text PRIMARY KEY,
        service_id    text NOT NULL,
        rule_code     text NOT NULL,
        hook_instance text NOT NULL,
        issued_at     timestamptz NOT NULL
      );
      CREATE INDEX issued_cards_rule_code_idx ON issued_cards (rule_code);

      -- One row per distinct feedback item; the unique key makes a re-sent item a no-op
      -- (CDS Hooks 2.0 §Feedback: a service "may receive feedback for the same card instance
      -- multiple times"). card_uuid is deliberately not a foreign key: feedback may name a card
      -- recorded later (issued-card writes are batched) or never issued by this service.
      CREATE TABLE feedback (
        id                      bigserial PRIMARY KEY,
        service_id              text NOT NULL,
        card_uuid               text NOT NULL,
        outcome                 text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
        outcome_at              timestamptz NOT NULL,
        accepted_suggestions    jsonb NOT NULL DEFAULT '[]'::jsonb,
        override_reason_system  text,
        override_reason_code    text,
        override_reason_display text,
        has_user_comment        boolean NOT NULL DEFAULT false,
        received_at             timestamptz NOT NULL,
        CONSTRAINT feedback_once UNIQUE (card_uuid, outcome, outcome_at)
      );

      CREATE TABLE jwt_replay (
        key        text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX jwt_replay_expires_at_idx ON jwt_replay (expires_at);
    `,
  },
  {
    version: 2,
    name: 'jwt replay cache: the client of each jti',
    // SHA-256 of the client's iss, for the per-client bound when jtis are loaded back at start-up.
    // Rows written before it have none; they expire within the longest token lifetime (1 h).
    sql: `
      ALTER TABLE jwt_replay ADD COLUMN client text;
    `,
  },
  {
    version: 3,
    name: 'issued cards: rule mode and audit trail',
    // Rows written before it were shown cards without audit detail: mode 'active', the rest null.
    sql: `
      ALTER TABLE issued_cards
        ADD COLUMN mode text NOT NULL DEFAULT 'active' CHECK (mode IN ('active', 'shadow')),
        ADD COLUMN hook text,
        ADD COLUMN tenant text,
        ADD COLUMN user_id text,
        ADD COLUMN patient_id text,
        ADD COLUMN ruleset_version text,
        ADD COLUMN indicator text,
        ADD COLUMN resources text[];
      CREATE INDEX issued_cards_issued_at_idx ON issued_cards (issued_at);
    `,
  },
];
