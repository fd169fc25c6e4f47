// @ts-check
import globals from 'globals';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The layers of src/, as a written graph: each part may import only the parts it lists (and
 * itself). Requests come in at the top and go down; nothing imports upwards.
 *
 *   server.ts, cli/  (entry points: read the environment, open the store, listen)
 *     └ app.ts       (createApp: wires the parts together)
 *         ├ config/  (settings: parsed once, validated, frozen; read only by app and entry points)
 *         └ hooks/   (HTTP: routes, validation, errors → OperationOutcome)
 *             ├ auth/  (CDS client JWTs, FHIR server allowlist)
 *             ├ store/ (feedback, issued cards, replay cache: PGlite / PostgreSQL)
 *             └ fhir/  (prefetch, FHIR queries, DSTU2/STU3/R4 shapes → one patient record)
 *                 └ logic/ (pure clinical rules: plain data and `now` in, findings and cards out)
 *
 * cds-hooks/ (the protocol's types), errors.ts, logging/, metrics.ts and batch-queue.ts (the
 * store writers' retrying batch queue) are used across the layers below app; logic/ imports none
 * of them.
 */
const SHARED = ['cds-hooks', 'errors.ts', 'logging', 'metrics.ts', 'batch-queue.ts', 'types'];
const MAY_IMPORT = {
  logic: [],
  types: [],
  'cds-hooks': ['logic'],
  'errors.ts': [],
  logging: [],
  'metrics.ts': ['cds-hooks'],
  'batch-queue.ts': [],
  fhir: ['logic', ...SHARED],
  auth: [...SHARED],
  store: [...SHARED],
  hooks: ['auth', 'store', 'fhir', 'logic', ...SHARED],
  config: ['auth', 'logic', ...SHARED],
  'app.ts': ['config', 'hooks', 'auth', 'store', 'fhir', 'logic', ...SHARED],
  cli: ['config', 'store', ...SHARED],
  'server.ts': ['app.ts', 'config', 'hooks', 'auth', 'store', 'fhir', 'logic', ...SHARED],
};
const PARTS = Object.keys(MAY_IMPORT);
const layerZones = PARTS.flatMap((target) =>
  PARTS.filter((from) => from !== target && !MAY_IMPORT[target].includes(from)).map((from) => ({
    target: `./src/${target}`,
    from: `./src/${from}`,
    message: `src/${target} may import only ${MAY_IMPORT[target].join(', ') || 'itself'} (layers: eslint.config.mjs)`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts', 'scripts/**/*.ts', 'dev/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The quality console's page script: plain browser JavaScript served as it is (no build step).
    files: ['console/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, uPlot: 'readonly' },
      parserOptions: { projectService: false },
    },
  },
  {
    // The timeline SMART app's page scripts: plain browser JavaScript served as it is, beside
    // fhirclient's browser bundle (global FHIR) and uPlot.
    files: ['app/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, uPlot: 'readonly', FHIR: 'readonly' },
      parserOptions: { projectService: false },
    },
  },
  {
    // npm start's build check: plain Node JavaScript, run before any build (no tsx, no tsc).
    files: ['scripts/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node },
      parserOptions: { projectService: false },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
