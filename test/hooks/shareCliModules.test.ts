/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import type { Command, Interfaces } from '@oclif/core';
import { loadsCommand, ownCommandsUnderCli } from '../../src/hooks/shareCliModules.js';
const OURS = 'plugin-eca-clientcreds';

type Commands = Record<string, { pluginName: string; hasDynamicHelp?: boolean }>;

/** A stand-in for oclif's Config: the CLI `cliName`, its commands by id, and flexible-taxonomy matches. */
function config(cliName: string, commands: Commands, matches: Record<string, string[]> = {}, additionalHelpFlags?: string[]): Interfaces.Config {
  const loadable = (id: string): Command.Loadable => ({ id, ...commands[id] }) as unknown as Command.Loadable;
  return {
    pjson: { name: cliName, oclif: { additionalHelpFlags } },
    flexibleTaxonomy: true,
    findCommand: (id: string) => (id in commands ? loadable(id) : undefined),
    findMatches: (id: string) => (matches[id] ?? []).map(loadable),
  } as unknown as Interfaces.Config;
}

const ids = (commands: Command.Loadable[]): string[] => commands.map((c) => c.id);

describe('shareCliModules hook', () => {
  const commands: Commands = {
    'eca:clientcreds:test': { pluginName: OURS },
    'eca:clientcreds:deploy': { pluginName: OURS, hasDynamicHelp: true },
    'project:generate': { pluginName: '@salesforce/plugin-templates' },
  };

  it("finds this plugin's commands under another CLI, also by a permutation of their id", () => {
    const sf = config('@salesforce/cli', commands, { 'clientcreds:eca:test': ['eca:clientcreds:test'] });
    expect(ids(ownCommandsUnderCli(sf, 'eca:clientcreds:test', [], OURS))).to.deep.equal(['eca:clientcreds:test']);
    expect(ids(ownCommandsUnderCli(sf, 'clientcreds:eca:test', [], OURS))).to.deep.equal(['eca:clientcreds:test']);
    expect(ownCommandsUnderCli(sf, 'project:generate', [], OURS)).to.deep.equal([]);
    expect(ownCommandsUnderCli(sf, 'no:such', [], OURS)).to.deep.equal([]);
    expect(ownCommandsUnderCli(sf, undefined, [], OURS)).to.deep.equal([]);
  });

  it("finds none when the CLI is this plugin's own bin, or when this plugin's package.json could not be read", () => {
    expect(ownCommandsUnderCli(config(OURS, commands), 'eca:clientcreds:test', [], OURS)).to.deep.equal([]);
    expect(ownCommandsUnderCli(config('@salesforce/cli', commands), 'eca:clientcreds:test', [], undefined)).to.deep.equal([]);
  });

  it("knows when oclif loads the command's module: to run it, or for help that is computed", () => {
    const sf = config('@salesforce/cli', commands, {}, ['-h']);
    const test = ownCommandsUnderCli(sf, 'eca:clientcreds:test', [], OURS);
    const deploy = ownCommandsUnderCli(sf, 'eca:clientcreds:deploy', [], OURS);
    expect(loadsCommand(sf, ['--name', 'x'], test)).to.equal(true);
    expect(loadsCommand(sf, ['--name', 'help'], test)).to.equal(true);
    expect(loadsCommand(sf, ['--help'], test)).to.equal(false);
    expect(loadsCommand(sf, ['--name', 'x', '-h'], test), 'a help flag the CLI adds').to.equal(false);
    expect(loadsCommand(config('@salesforce/cli', commands), ['-h'], test), 'not a help flag of this CLI').to.equal(true);
    expect(loadsCommand(sf, ['--help'], deploy), 'help with a computed default').to.equal(true);
  });
});
