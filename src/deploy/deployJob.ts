/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * What `deploy` runs, in one module the command imports only when it runs: `deploy --help` (which loads the command
 * class for the target-org default) then loads none of it (issue 12: start-up time and memory).
 */
export { findProject } from '../project/sfdxProject.js';
export { readAppFiles } from '../project/projectFiles.js';
export { connectionOrgApi } from '../org/orgApi.js';
export { readOrgForDeploy } from './orgReading.js';
export { executePlan } from './deployExecutor.js';
export { preloadSdr, sdrDeployer } from './metadataDeploy.js';
export { toOrgError } from './orgErrors.js';
export { checkAgainstOrg, deployApiVersion, requestedApiVersion } from './apiVersion.js';
export { deployStages } from './deployStages.js';
export { PermissionDependencyResolver } from './permissionDependencies.js';
