/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Defaults of the integration user definition (config/<App>.user-def.json): what `generate` writes when no flag says
 * otherwise, and what `deploy` assumes for a key a hand-written definition leaves out. One place, so the two agree.
 */
export const USER_DEFINITION_DEFAULTS = {
  LocaleSidKey: 'en_US',
  TimeZoneSidKey: 'America/Los_Angeles',
  LanguageLocaleKey: 'en_US',
  EmailEncodingKey: 'UTF-8',
} as const;
