/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Child-process side of the SDR tests (metadataClients.test.ts): builds a `@salesforce/core` Connection from an access
 * token with AuthInfo (which may write auth files, so the parent runs this with a private temporary HOME) and runs
 * SDR's ComponentSet deploy or retrieve against the emulator. Input: one JSON argument; output: one JSON line.
 */
import { AuthInfo, Connection } from '@salesforce/core';
import { ComponentSet, RequestStatus } from '@salesforce/source-deploy-retrieve';

type Command = {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
  action: 'deploy' | 'retrieve';
  /** deploy: the package directory; retrieve: the output directory. */
  dir: string;
  checkOnly?: boolean;
  /** retrieve: type:fullName members. */
  members?: Array<{ type: string; fullName: string }>;
};

async function main(): Promise<void> {
  const command = JSON.parse(process.argv[2]) as Command;
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken: command.accessToken, instanceUrl: command.instanceUrl, loginUrl: command.instanceUrl },
  });
  const connection = await Connection.create({ authInfo, connectionOptions: { version: command.apiVersion } });
  if (command.action === 'deploy') {
    const set = ComponentSet.fromSource(command.dir);
    set.sourceApiVersion = command.apiVersion;
    const deploy = await set.deploy({
      usernameOrConnection: connection,
      apiOptions: { checkOnly: command.checkOnly ?? false, rollbackOnError: true },
    });
    const result = await deploy.pollStatus(100, 60);
    const files = result.getFileResponses().map((f) => ({
      fullName: f.fullName,
      type: f.type,
      state: f.state,
      ...('error' in f ? { error: f.error, problemType: f.problemType } : {}),
    }));
    process.stdout.write(JSON.stringify({ status: result.response.status, success: result.response.success, files }) + '\n');
    return;
  }
  const set = new ComponentSet(command.members ?? []);
  set.sourceApiVersion = command.apiVersion;
  const retrieve = await set.retrieve({ usernameOrConnection: connection, output: command.dir, merge: false });
  const result = await retrieve.pollStatus(100, 60);
  process.stdout.write(
    JSON.stringify({
      status: result.response.status,
      success: result.response.status === RequestStatus.Succeeded,
      files: result.getFileResponses().map((f) => ({ fullName: f.fullName, type: f.type, state: f.state, filePath: f.filePath })),
      messages: result.response.messages ?? [],
    }) + '\n'
  );
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }) + '\n');
  process.exitCode = 1;
});
