// The workspace's rules, and type information for the web app's .tsx files too (web/tsconfig.json holds them).
import workspace from '../../eslint.config.mjs';

export default [
  ...workspace,
  {
    files: ['**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
];
