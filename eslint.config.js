// Lint: strict TypeScript rules plus import hygiene (no cycles). Layer
// boundaries are enforced by dependency-cruiser (.dependency-cruiser.cjs).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'bench/out/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Our own cycles are what matters (dependency-cruiser checks them too); following imports into
      // node_modules crashed the resolver inside @azure/identity (no legacy 'node' resolver installed).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // The CLI, benchmarks and scripts talk to a terminal.
    files: ['src/cli/**', 'bench/**', 'src/main.ts', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
