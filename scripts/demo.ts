/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { spawn } from 'node:child_process';
import { startEmulator } from '../emulator/src/index.js';
import { cliEnv, makeProject, RUN_JS } from '../test/e2e/harness.js';
import { loginToEmulator } from '../test/e2e/orgLogin.js';

/**
 * `npm run demo`: the plugin's whole job against the built-in org emulator, as a user would see it.
 * Starts an emulator, logs a temporary sf home in to it, runs generate -> deploy -> test in a fresh SFDX project,
 * then stops the emulator and removes the temporary folders. Nothing outside the temporary folders is touched.
 */

const APP = 'Demo_Integration';
const RUN_AS = 'integration.user@demo.example.com';
const ALIAS = 'demo-org';

function banner(text: string): void {
  process.stdout.write(`\n\x1b[1m${text}\x1b[0m\n`);
}

/** Runs `sf eca clientcreds ...` (this plugin's bin/run.js) with output straight to the terminal. */
function sf(args: string[], cwd: string, home: string): Promise<number> {
  process.stdout.write(`\n$ sf ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, ...args], { cwd, env: cliEnv(home), stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const emu = await startEmulator();
  const project = await makeProject();
  try {
    banner(`Org emulator running at ${emu.instanceUrl} (a local stand-in for a Salesforce org)`);
    // What an admin does once per org so the CLI may read consumer secrets through the Connect REST API
    // (Setup > External Client App Settings, and the View Client Secret permission).
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ViewClientSecret' });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ExternalClientAppDeveloper' });
    await loginToEmulator(emu, project.home, ALIAS);
    process.stdout.write(`Logged a temporary sf home in to it as ${emu.admin.username} (alias ${ALIAS}).\n`);
    process.stdout.write(`SFDX project: ${project.dir}\n`);

    banner('1. Generate the External Client App, integration profile and user definition');
    const steps: string[][] = [
      ['eca', 'clientcreds', 'generate', '--name', APP, '--contact-email', 'admin@demo.example.com', '--run-as-username', RUN_AS],
      ['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', ALIAS],
      ['eca', 'clientcreds', 'test', '--name', APP, '--target-org', ALIAS],
    ];
    const titles = [
      '',
      '2. Deploy it: profile, integration user, app and policies, in the order Salesforce needs',
      '3. Test it: fetch a client credentials token and prove it runs as the Run As user',
    ];
    for (const [i, args] of steps.entries()) {
      if (titles[i]) banner(titles[i]);
      // eslint-disable-next-line no-await-in-loop
      const code = await sf(args, project.dir, project.home);
      if (code !== 0) {
        process.stderr.write(`\nDemo stopped: the step above exited with ${code}.\n`);
        return code;
      }
    }
    banner('Done: the app is deployed and a client credentials token runs as ' + RUN_AS);
    return 0;
  } finally {
    await emu.stop();
    await project.cleanup();
  }
}

process.exitCode = await main();
