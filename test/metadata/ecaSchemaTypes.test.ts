/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { EXTERNAL_CLIENT_APP_SETTINGS, SCHEMAS, type TypeSchema } from '../../src/metadata/ecaSchema.js';
import { SCHEMAS as EMULATOR_SCHEMAS } from '../../emulator/src/metadata/schema.js';

/**
 * Salesforce publishes its Metadata API types as the npm package `@salesforce/types` (generated from the WSDLs,
 * lib/metadata.d.ts). When a release names an ECA element that our field tables (and the emulator's) lack, the tables
 * have fallen behind: this test fails until the element is added with its version (metadata-fields-by-version.md).
 */

const require = createRequire(import.meta.url);
// The package exports ./metadata (lib/metadata.js); its declarations sit beside it.
const declarations = readFileSync(join(dirname(require.resolve('@salesforce/types/metadata')), 'metadata.d.ts'), 'utf8');

/** The element names of `export type <name> = Metadata & { ... };` in the declarations. */
function declaredElements(name: string): string[] {
  const match = new RegExp(`export type ${name} = Metadata & \\{([^}]*)\\};`).exec(declarations);
  if (!match) expect.fail(`@salesforce/types declares no ${name}`);
  return [...match[1].matchAll(/^\s*(\w+)\??:/gm)].map((m) => m[1]);
}

const ECA_TYPES: Array<[string, TypeSchema]> = [
  ['ExternalClientApplication', SCHEMAS.ExternalClientApplication],
  ['ExtlClntAppGlobalOauthSettings', SCHEMAS.ExtlClntAppGlobalOauthSettings],
  ['ExtlClntAppOauthSettings', SCHEMAS.ExtlClntAppOauthSettings],
  ['ExtlClntAppOauthConfigurablePolicies', SCHEMAS.ExtlClntAppOauthConfigurablePolicies],
  ['ExtlClntAppConfigurablePolicies', SCHEMAS.ExtlClntAppConfigurablePolicies],
  ['ExternalClientAppSettings', EXTERNAL_CLIENT_APP_SETTINGS],
];

describe('ecaSchema against @salesforce/types', () => {
  it('reads the declarations (the parser finds the elements it must)', () => {
    expect(declaredElements('ExtlClntAppOauthConfigurablePolicies')).to.include.members([
      'clientCredentialsFlowUser',
      'commaSeparatedPermissionSet',
      'commaSeparatedProfile',
    ]);
  });

  for (const [type, table] of ECA_TYPES) {
    it(`${type}: every element the published types name is in the plugin's table`, () => {
      const missing = declaredElements(type).filter((element) => !Object.prototype.hasOwnProperty.call(table, element));
      expect(missing, 'add to src/metadata/ecaSchema.ts with its version').to.deep.equal([]);
    });

    it(`${type}: every element the published types name is in the emulator's table`, () => {
      const fields = EMULATOR_SCHEMAS[type].fields;
      const missing = declaredElements(type).filter((element) => !Object.prototype.hasOwnProperty.call(fields, element));
      expect(missing, 'add to emulator/src/metadata/schema.ts with its version').to.deep.equal([]);
    });
  }
});
