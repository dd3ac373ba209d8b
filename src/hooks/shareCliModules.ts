/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Hook, Interfaces } from '@oclif/core';
import { readPackageJson, shareCliModules, describePlan } from '../cli/sharedModules.js';

type Config = Interfaces.Config;

/**
 * oclif `init` hook: before one of this plugin's commands loads under the `sf` CLI, its files are set to import the
 * libraries they share with the CLI from the CLI's tree (src/cli/sharedModules.ts). The hook runs before every `sf`
 * command, so for any other command, and for help that oclif reads from the manifest, it only reads this plugin's
 * package.json, looks the command up and returns (sharedModules.ts imports nothing but Node's own modules).
 */

const PLUGIN_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The command `id` (with `argv`) names under `config`: the command itself, or with flexible taxonomy its matches. */
function commandsNamed(config: Config, id: string | undefined, argv: string[]): Command.Loadable[] {
  if (!id) return [];
  const command = config.findCommand(id);
  if (command) return [command];
  return config.flexibleTaxonomy ? config.findMatches(id, argv) : [];
}

/** The commands of this plugin (named `pluginName`) that `id` may name, when a CLI other than its own bin runs it. */
export function ownCommandsUnderCli(config: Config, id: string | undefined, argv: string[], pluginName: string | undefined): Command.Loadable[] {
  if (pluginName === undefined || config.pjson.name === pluginName) return [];
  return commandsNamed(config, id, argv).filter((command) => command.pluginName === pluginName);
}

/**
 * Whether oclif will load the command's module: to run it, or for help when a flag's help is computed (oclif's
 * `hasDynamicHelp`, e.g. the default of --target-org). Other help is read from the manifest.
 */
export function loadsCommand(config: Config, argv: string[], commands: Command.Loadable[]): boolean {
  const helpFlags = ['--help', ...(config.pjson.oclif.additionalHelpFlags ?? [])];
  return !argv.some((arg) => helpFlags.includes(arg)) || commands.some((command) => command.hasDynamicHelp === true);
}

/** What every command of this plugin imports (the base, src/cli/ecaCommand.ts): loaded before the hook is set. */
const EVERY_COMMAND_IMPORTS = ['@salesforce/core', '@salesforce/sf-plugins-core'];

const hook: Hook.Init = async function (options) {
  const pluginPackage = readPackageJson(join(PLUGIN_ROOT, 'package.json'));
  const commands = ownCommandsUnderCli(options.config, options.id, options.argv, pluginPackage?.name);
  if (commands.length === 0 || !loadsCommand(options.config, options.argv, commands)) return;
  try {
    const plan = await shareCliModules({
      pluginRoot: PLUGIN_ROOT,
      pluginPackage,
      cliRoot: options.config.root,
      preload: EVERY_COMMAND_IMPORTS,
    });
    // In sf's log (SF_LOG_LEVEL=debug), through the CLI's own logger: what runs on which copy.
    if (plan?.shared.includes('@salesforce/core')) {
      const { Logger } = await import('@salesforce/core');
      Logger.childFromRoot('eca:clientcreds:sharedModules').debug(describePlan(plan));
    }
  } catch {
    // Sharing is an optimisation and never stops a command: the hook is set as a whole or not at all, so the command
    // runs on the CLI's copies or, as installed, on its own.
  }
};

export default hook;
