/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { SfError } from '@salesforce/core';
import { checkSecretEnvName, shellWord, targetOrgArgument } from '../../src/cli/commandLine.js';

describe('cli commandLine', () => {
  describe('checkSecretEnvName', () => {
    it('accepts environment variable names', () => {
      for (const name of ['SF_CLIENT_SECRET', '_X', 'a1', 'MY_SECRET_2']) expect(() => checkSecretEnvName(name), name).to.not.throw();
    });

    it('refuses anything else as a flag error (exit 2) that names the value', () => {
      for (const name of ['', '1X', 'A B', 'A-B', 'SECRET=1', '$X']) {
        let error: unknown;
        try {
          checkSecretEnvName(name);
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(name)).to.be.instanceOf(SfError);
        expect((error as SfError).exitCode).to.equal(2);
        expect((error as SfError).message).to.include(`"${name}"`);
      }
    });
  });

  describe('targetOrgArgument', () => {
    it('finds the value as typed in every form oclif accepts', () => {
      expect(targetOrgArgument(['--name', 'A', '-o', 'prod'])).to.equal('prod');
      expect(targetOrgArgument(['--target-org', 'me@acme.com'])).to.equal('me@acme.com');
      expect(targetOrgArgument(['--target-org=prod'])).to.equal('prod');
      expect(targetOrgArgument(['-oprod'])).to.equal('prod');
      expect(targetOrgArgument(['-o=prod'])).to.equal('prod');
    });

    it('is undefined when the flag is not on the command line, or only after --', () => {
      expect(targetOrgArgument(['--name', 'A'])).to.equal(undefined);
      expect(targetOrgArgument(['--name', '-o'])).to.equal(undefined);
      expect(targetOrgArgument(['--', '-o', 'prod'])).to.equal(undefined);
      expect(targetOrgArgument(['--output-file', 'x'])).to.equal(undefined);
    });
  });

  describe('shellWord', () => {
    it('leaves plain words alone', () => {
      for (const word of ['prod', 'me@acme.com', 'https://acme.my.salesforce.com', 'My_App', 'a=b,c:d']) expect(shellWord(word)).to.equal(word);
    });

    it('quotes anything a shell would split or expand, so that the shell gives back the same value', () => {
      for (const word of ['my org', "it's", '$HOME', 'a;b', '`x`', '', 'a*']) {
        const quoted = shellWord(word);
        expect(quoted, word).to.not.equal(word === '' ? 'x' : word);
        const echoed = execFileSync('/bin/sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
        expect(echoed, word).to.equal(word);
      }
    });
  });
});
