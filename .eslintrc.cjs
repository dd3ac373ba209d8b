// ESLint for the plugin: the Salesforce TypeScript rules plus the sf-plugin rules (flag case, messages, connections...).
module.exports = {
  root: true,
  extends: ['eslint-config-salesforce-typescript', 'plugin:sf-plugin/recommended'],
  plugins: ['eslint-plugin-header'],
  parserOptions: { warnOnUnsupportedTypeScriptVersion: false },
  ignorePatterns: ['lib/', 'node_modules/', 'bin/', '*.cjs', '*.js', '*.mjs', '.cache/', 'tmp/'],
  rules: {
    'header/header': [
      2,
      'block',
      ['', ' * Copyright 2026, the plugin-eca-clientcreds contributors.', ' * Licensed under the Apache License, Version 2.0 (see LICENSE).', ' '],
    ],
  },
  overrides: [
    {
      files: ['src/commands/**/*.ts'],
      rules: {
        // Every command extends EcaCommand (src/cli/ecaCommand.ts), an abstract SfCommand that declares no flags of
        // its own (SfCommand's baseFlags still apply): nothing to spread, and one place for interrupts, exit codes,
        // redaction and request timeouts, as plugin-user's src/baseCommands do.
        'sf-plugin/only-extend-SfCommand': 'off',
        'sf-plugin/spread-base-flags': 'off',
      },
    },
    {
      files: ['test/**/*.ts', 'emulator/**/*.ts', 'scripts/**/*.ts'],
      rules: {
        // Tests and the emulator are not commands: messages files and command rules do not apply.
        'sf-plugin/no-hardcoded-messages-flags': 'off',
        'sf-plugin/no-hardcoded-messages-commands': 'off',
        '@typescript-eslint/no-unused-expressions': 'off',
        'class-methods-use-this': 'off',
      },
    },
  ],
};
