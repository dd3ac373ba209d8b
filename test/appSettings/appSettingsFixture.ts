/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { AppOauthSettings } from '../../src/appSettings/appSettings.js';

/** The OAuth settings of a healthy client credentials app My_App read from an org; override what a test breaks. */
export function appSettings(overrides: Partial<AppOauthSettings> = {}): AppOauthSettings {
  return {
    source: 'org',
    appName: 'My_App',
    appFound: true,
    globalCcEnabled: true,
    policyCcEnabled: true,
    runAsUser: 'integration@acme.com',
    appEnabled: true,
    oauthPluginEnabled: true,
    scopes: ['Api'],
    locations: { ExtlClntAppOauthConfigurablePolicies: 'My_App_oauthPlcy', ExtlClntAppGlobalOauthSettings: 'My_App_glbloauth' },
    ...overrides,
  };
}
