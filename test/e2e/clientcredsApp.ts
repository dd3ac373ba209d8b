/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import JSZip from 'jszip';

/**
 * Fixture for the `test` e2e suite: an External Client App set up for the client credentials flow, written as
 * source files into a temp SFDX project AND deployed, from the same files, to the emulator through the SOAP
 * Metadata API (deploy + checkDeployStatus, as SDR sends them). Independent of the plugin's generate/deploy code, so
 * a `test` failure points at `test`. Content follows eca-metadata.md sections 2-6.
 */

export type AppFixture = {
  name: string;
  runAsUsername: string;
  scopes?: string;
  permittedUsers?: 'AllSelfAuthorized' | 'AdminApprovedPreAuthorized';
  permissionSets?: string;
};

type FileSpec = { folder: string; suffix: string; fullName: string; root: string; fields: Array<[string, string]> };

const NS = 'http://soap.sforce.com/2006/04/metadata';
const API_VERSION = '66.0';

function files(app: AppFixture): FileSpec[] {
  const n = app.name;
  return [
    {
      folder: 'externalClientApps',
      suffix: 'eca',
      fullName: n,
      root: 'ExternalClientApplication',
      fields: [
        ['contactEmail', 'admin@example.com'],
        ['distributionState', 'Local'],
        ['isProtected', 'false'],
        ['label', n],
      ],
    },
    {
      folder: 'extlClntAppGlobalOauthSets',
      suffix: 'ecaGlblOauth',
      fullName: `${n}_glbloauth`,
      root: 'ExtlClntAppGlobalOauthSettings',
      fields: [
        ['callbackUrl', 'https://login.salesforce.com/services/oauth2/success'],
        ['externalClientApplication', n],
        ['isClientCredentialsFlowEnabled', 'true'],
        ['isConsumerSecretOptional', 'false'],
        ['isIntrospectAllTokens', 'false'],
        ['isPkceRequired', 'false'],
        ['isSecretRequiredForRefreshToken', 'true'],
        ['label', `${n}_glbloauth`],
        ['shouldRotateConsumerKey', 'false'],
        ['shouldRotateConsumerSecret', 'false'],
      ],
    },
    {
      folder: 'extlClntAppOauthSettings',
      suffix: 'ecaOauth',
      fullName: `${n}_oauth`,
      root: 'ExtlClntAppOauthSettings',
      fields: [
        ['commaSeparatedOauthScopes', app.scopes ?? 'Api'],
        ['externalClientApplication', n],
        ['isFirstPartyAppEnabled', 'false'],
        ['label', `${n}_oauth`],
      ],
    },
    {
      folder: 'extlClntAppOauthPolicies',
      suffix: 'ecaOauthPlcy',
      fullName: `${n}_oauthPlcy`,
      root: 'ExtlClntAppOauthConfigurablePolicies',
      fields: [
        ['clientCredentialsFlowUser', app.runAsUsername],
        ...(app.permissionSets ? ([['commaSeparatedPermissionSet', app.permissionSets]] as Array<[string, string]>) : []),
        ['externalClientApplication', n],
        ['ipRelaxationPolicyType', 'Enforce'],
        ['isClientCredentialsFlowEnabled', 'true'],
        ['isGuestCodeCredFlowEnabled', 'false'],
        ['isTokenExchangeFlowEnabled', 'false'],
        ['label', `${n}_oauthPlcy`],
        ['permittedUsersPolicyType', app.permittedUsers ?? 'AllSelfAuthorized'],
        ['requiredSessionLevel', 'STANDARD'],
      ],
    },
    {
      folder: 'extlClntAppPolicies',
      suffix: 'ecaPlcy',
      fullName: `${n}_plcy`,
      root: 'ExtlClntAppConfigurablePolicies',
      fields: [
        ['externalClientApplication', n],
        ['isEnabled', 'true'],
        ['isOauthPluginEnabled', 'true'],
        ['label', `${n}_plcy`],
      ],
    },
  ];
}

function xml(spec: FileSpec): string {
  const body = spec.fields.map(([k, v]) => `    <${k}>${v}</${k}>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${spec.root} xmlns="${NS}">\n${body}\n</${spec.root}>\n`;
}

/** Writes the app's source files under <projectDir>/force-app/main/default; returns their paths by folder. */
export async function writeAppFiles(projectDir: string, app: AppFixture): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const spec of files(app)) {
    const path = join(projectDir, 'force-app', 'main', 'default', spec.folder, `${spec.fullName}.${spec.suffix}-meta.xml`);
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(path), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await writeFile(path, xml(spec));
    paths[spec.folder] = path;
  }
  return paths;
}

type SoapTarget = { instanceUrl: string; admin: { accessToken: string } };

async function soap(emu: SoapTarget, body: string): Promise<string> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soapenv:Header xmlns="${NS}"><SessionHeader><sessionId>${emu.admin.accessToken}</sessionId></SessionHeader></soapenv:Header>` +
    `<soapenv:Body xmlns="${NS}">${body}</soapenv:Body></soapenv:Envelope>`;
  const response = await fetch(`${emu.instanceUrl}/services/Soap/m/${API_VERSION}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', soapaction: '""' },
    body: envelope,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SOAP ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

/** Deploys the app (metadata-format zip, singlePackage) and waits for the result; throws on any failure. */
export async function deployApp(emu: SoapTarget, app: AppFixture): Promise<void> {
  const zip = new JSZip();
  const specs = files(app);
  const byType = new Map<string, string[]>();
  for (const spec of specs) {
    zip.file(`${spec.folder}/${spec.fullName}.${spec.suffix}`, xml(spec));
    byType.set(spec.root, [...(byType.get(spec.root) ?? []), spec.fullName]);
  }
  const types = [...byType.entries()]
    .map(([name, members]) => `<types>${members.map((m) => `<members>${m}</members>`).join('')}<name>${name}</name></types>`)
    .join('');
  zip.file('package.xml', `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="${NS}">${types}<version>${API_VERSION}</version></Package>`);
  const base64 = await zip.generateAsync({ type: 'base64', compression: 'DEFLATE' });
  const started = await soap(
    emu,
    `<deploy><ZipFile>${base64}</ZipFile><DeployOptions><rollbackOnError>true</rollbackOnError><singlePackage>true</singlePackage></DeployOptions></deploy>`
  );
  const id = /<id>([^<]+)<\/id>/.exec(started)?.[1];
  if (!id) throw new Error(`deploy did not start: ${started.slice(0, 500)}`);
  for (let i = 0; i < 20; i++) {
    // eslint-disable-next-line no-await-in-loop
    const status = await soap(emu, `<checkDeployStatus><asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>`);
    if (status.includes('<done>true</done>')) {
      if (!status.includes('<status>Succeeded</status>')) throw new Error(`deploy of ${app.name} failed: ${status.slice(0, 2000)}`);
      return;
    }
  }
  throw new Error(`deploy of ${app.name} did not finish`);
}
