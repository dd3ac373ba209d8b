/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgState } from '../state.js';
import { completeDeploy, createDeployJob, type DeployJob } from './deploy.js';
import { deployResultXml } from './deployResult.js';
import { describeMetadata, isListableType, listMetadata, readMetadata } from './readList.js';
import { completeRetrieve, createRetrieveJob, type RetrieveJob } from './retrieve.js';
import {
  param,
  paramBoolean,
  paramList,
  paramObject,
  parseSoapRequest,
  soapFault,
  soapResult,
  SoapParseError,
  type SoapObject,
  type SoapRequest,
  type SoapResponse,
} from './soapEnvelope.js';

/**
 * The SOAP Metadata API of the org emulator: `POST /services/Soap/m/<version>` (after slash collapsing) is answered by
 * `handleMetadataSoap`. The server owns transport (latency, HTTP 500 and dropped-connection faults, request log);
 * this module owns the envelope, the session check and the calls: deploy, checkDeployStatus, cancelDeploy,
 * listMetadata, readMetadata, describeMetadata, retrieve, checkRetrieveStatus.
 */

export type { SoapResponse } from './soapEnvelope.js';
export { validateComponent, type Problem, type ProblemCode } from './validate.js';

/** The user a session id belongs to. */
export type SessionUser = { userId: string; username: string; name: string };

/** Faults the control API sets; read on every call (never copied). OrgState.faults has this shape. */
export type MetadataFaults = {
  /** Deploys started while true stay InProgress until cancelled (cancelDeploy still works). */
  deployStuckInProgress?: boolean;
  /** Every deploy containing this type+fullName fails that component with this problem text. */
  componentFailures?: Array<{ type: string; fullName: string; problem: string }>;
};

export type MetadataSoapContext = {
  /** The org state of this emulator instance (emulator/src/state.ts). */
  state: OrgState;
  /** '68.0' from `/services/Soap/m/68.0`. */
  apiVersionFromPath: string;
  /** Default: state.config.maxApiVersion. */
  maxApiVersion?: string;
  /** Default: state.config.deployInProgressPolls. */
  deployInProgressPolls?: number;
  /** Default: state.now. */
  now?: () => Date;
  /** Resolves the SessionHeader sessionId; undefined -> INVALID_SESSION_ID. Default: state.resolveSession. */
  authenticate?: (sessionId: string) => SessionUser | undefined;
  /** Default: state.faults. */
  faults?: MetadataFaults;
};

type Resolved = Required<MetadataSoapContext>;

function resolve(ctx: MetadataSoapContext): Resolved {
  const { state } = ctx;
  return {
    state,
    apiVersionFromPath: ctx.apiVersionFromPath,
    maxApiVersion: ctx.maxApiVersion ?? state.config.maxApiVersion,
    deployInProgressPolls: ctx.deployInProgressPolls ?? state.config.deployInProgressPolls,
    now: ctx.now ?? ((): Date => new Date(state.now())),
    authenticate:
      ctx.authenticate ??
      ((sessionId: string): SessionUser | undefined => {
        const session = state.resolveSession(sessionId);
        const user = session ? state.users.get(session.userId) : undefined;
        if (!user) return undefined;
        return { userId: user.Id, username: user.Username, name: [user.FirstName, user.LastName].filter(Boolean).join(' ') };
      }),
    faults: ctx.faults ?? state.faults,
  };
}

const MAX_LIST_QUERIES = 3;
const MAX_READ_NAMES = 10;

function invalidId(id: string): SoapResponse {
  return soapFault('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${id}`);
}

async function deploy(ctx: Resolved, req: SoapRequest, user: SessionUser): Promise<SoapResponse> {
  const options = paramObject(req.params, 'DeployOptions');
  const job = await createDeployJob(
    { state: ctx.state, maxApiVersion: ctx.maxApiVersion, now: ctx.now, componentFailures: [] },
    param(req.params, 'ZipFile'),
    {
      checkOnly: paramBoolean(options, 'checkOnly', false),
      rollbackOnError: paramBoolean(options, 'rollbackOnError', true),
      ignoreWarnings: paramBoolean(options, 'ignoreWarnings', false),
      singlePackage: paramBoolean(options, 'singlePackage', false),
    },
    ctx.apiVersionFromPath,
    { userId: user.userId, name: user.name },
    ctx.deployInProgressPolls,
    ctx.faults.deployStuckInProgress === true
  );
  ctx.state.asyncJobs.set(job.id, job);
  return soapResult(req.method, { done: false, id: job.id, state: 'Queued' });
}

function deployJob(ctx: Resolved, id: string): DeployJob | undefined {
  const job = ctx.state.asyncJobs.get(id) as DeployJob | RetrieveJob | undefined;
  return job?.kind === 'deploy' ? job : undefined;
}

/** Evaluates and applies a deploy whose InProgress polls are used up (or that the org finishes unpolled). */
function finishDeploy(ctx: Resolved, job: DeployJob): void {
  const result = completeDeploy(
    {
      state: ctx.state,
      maxApiVersion: ctx.maxApiVersion,
      now: ctx.now,
      componentFailures: [...(ctx.faults.componentFailures ?? [])],
    },
    job
  );
  Object.assign(job, { result, status: result.status, completedDate: ctx.now().toISOString() });
}

/**
 * A real org finishes a deploy whether or not anyone polls (`sf project deploy start --async`): before answering any
 * other Metadata API call, the emulator finishes the deploys still pending (not those stuck by the control API).
 */
function finishPendingDeploys(ctx: Resolved): void {
  for (const job of ctx.state.asyncJobs.values() as Iterable<DeployJob | RetrieveJob>) {
    if (job.kind === 'deploy' && !job.stuck && (job.status === 'Queued' || job.status === 'InProgress')) {
      finishDeploy(ctx, job);
    }
  }
}

/** One poll of a deploy: InProgress while polls remain (or stuck), else finished. */
function pollDeploy(ctx: Resolved, job: DeployJob): void {
  if (job.status !== 'Queued' && job.status !== 'InProgress') return;
  if (job.stuck || job.pollsBeforeDone > 0) {
    Object.assign(job, { status: 'InProgress', pollsBeforeDone: job.stuck ? job.pollsBeforeDone : job.pollsBeforeDone - 1 });
  } else {
    finishDeploy(ctx, job);
  }
}

function checkDeployStatus(ctx: Resolved, req: SoapRequest): SoapResponse {
  const id = param(req.params, 'asyncProcessId');
  const job = deployJob(ctx, id);
  if (!job) return invalidId(id);
  pollDeploy(ctx, job);
  return soapResult(req.method, deployResultXml(job, paramBoolean(req.params, 'includeDetails', false)));
}

/** The legacy checkStatus (AsyncResult: done, id, state), still used by jsforce's AsyncResultLocator.check(). */
function checkStatus(ctx: Resolved, req: SoapRequest): SoapResponse {
  const id = param(req.params, 'asyncProcessId');
  const job = ctx.state.asyncJobs.get(id) as DeployJob | RetrieveJob | undefined;
  if (!job) return invalidId(id);
  if (job.kind === 'retrieve') return soapResult(req.method, { done: true, id, state: 'Completed' });
  pollDeploy(ctx, job);
  const done = job.status !== 'Queued' && job.status !== 'InProgress';
  const state = !done ? job.status : job.status === 'Failed' || job.status === 'Canceled' ? 'Error' : 'Completed';
  return soapResult(req.method, { done, id, state });
}

function cancelDeploy(ctx: Resolved, req: SoapRequest): SoapResponse {
  const id = param(req.params, 'id');
  const job = deployJob(ctx, id);
  if (!job) return invalidId(id);
  if (job.status === 'Queued' || job.status === 'InProgress') {
    job.status = 'Canceled';
    job.completedDate = ctx.now().toISOString();
  }
  return soapResult(req.method, { done: true, id: job.id });
}

function unknownType(type: string): SoapResponse {
  return soapFault('INVALID_TYPE', `Unknown type name '${type}'`);
}

function list(ctx: Resolved, req: SoapRequest): SoapResponse {
  const queries = paramList(req.params, 'queries').filter((q): q is SoapObject => typeof q === 'object' && !Array.isArray(q));
  if (queries.length > MAX_LIST_QUERIES) {
    return soapFault('INVALID_QUERY', `listMetadata accepts at most ${MAX_LIST_QUERIES} queries, got ${queries.length}`);
  }
  const types = queries.map((q) => param(q, 'type'));
  const unknown = types.find((t) => !isListableType(t));
  if (unknown !== undefined) return unknownType(unknown);
  return soapResult(req.method, listMetadata(ctx.state, types));
}

function read(ctx: Resolved, req: SoapRequest): SoapResponse {
  const type = param(req.params, 'type');
  if (!isListableType(type)) return unknownType(type);
  const names = paramList(req.params, 'fullNames').filter((n): n is string => typeof n === 'string');
  if (names.length > MAX_READ_NAMES) {
    return soapFault('LIMIT_EXCEEDED', `readMetadata accepts at most ${MAX_READ_NAMES} names, got ${names.length}`);
  }
  return soapResult(req.method, readMetadata(ctx.state, type, names, Number.parseFloat(ctx.apiVersionFromPath)));
}

function retrieve(ctx: Resolved, req: SoapRequest): SoapResponse {
  const request = paramObject(req.params, 'request');
  const unpackaged = paramObject(request, 'unpackaged');
  if (!unpackaged) {
    return soapFault('INVALID_CROSS_REFERENCE_KEY', 'This emulator retrieves only unpackaged components (no packageNames or specificFiles)');
  }
  const types = paramList(unpackaged, 'types')
    .filter((t): t is SoapObject => typeof t === 'object' && !Array.isArray(t))
    .map((t) => ({
      name: param(t, 'name'),
      members: paramList(t, 'members').filter((m): m is string => typeof m === 'string'),
    }));
  const job = createRetrieveJob(
    ctx.state,
    {
      apiVersion: Number.parseFloat(
        param(request, 'apiVersion') || param(unpackaged, 'version') || ctx.apiVersionFromPath
      ).toFixed(1),
      singlePackage: paramBoolean(request, 'singlePackage', false),
      types,
    },
    ctx.now()
  );
  ctx.state.asyncJobs.set(job.id, job);
  return soapResult(req.method, { done: false, id: job.id, state: 'Queued' });
}

async function checkRetrieveStatus(ctx: Resolved, req: SoapRequest): Promise<SoapResponse> {
  const id = param(req.params, 'asyncProcessId');
  const job = ctx.state.asyncJobs.get(id) as DeployJob | RetrieveJob | undefined;
  if (job?.kind !== 'retrieve') return invalidId(id);
  job.result ??= await completeRetrieve(ctx.state, job, ctx.now());
  const includeZip = paramBoolean(req.params, 'includeZip', true);
  const { zipFile, ...rest } = job.result;
  return soapResult(req.method, includeZip ? { ...rest, zipFile } : rest);
}

function noSuchOperation(method: string): SoapResponse {
  return soapFault('INVALID_OPERATION', `No operation available for request {http://soap.sforce.com/2006/04/metadata}${method}`);
}

/** Answers one SOAP Metadata API request. Never throws: every failure is a SOAP fault. */
export async function handleMetadataSoap(body: string, context: MetadataSoapContext): Promise<SoapResponse> {
  const ctx = resolve(context);
  let req: SoapRequest;
  try {
    req = parseSoapRequest(body);
  } catch (error) {
    const message = error instanceof SoapParseError ? error.message : String(error);
    return soapFault('INVALID_XML', `Could not parse the SOAP request: ${message}`);
  }
  const user = req.sessionId ? ctx.authenticate(req.sessionId) : undefined;
  if (!user) return soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
  if (!(Number.parseFloat(ctx.apiVersionFromPath) <= Number.parseFloat(ctx.maxApiVersion))) {
    return soapFault('UNSUPPORTED_API_VERSION', `Invalid Api version specified on URL: ${ctx.apiVersionFromPath}`);
  }
  try {
    if (!['checkDeployStatus', 'checkStatus', 'cancelDeploy'].includes(req.method)) finishPendingDeploys(ctx);
    switch (req.method) {
      case 'deploy':
        return await deploy(ctx, req, user);
      case 'checkDeployStatus':
        return checkDeployStatus(ctx, req);
      case 'checkStatus':
        return checkStatus(ctx, req);
      case 'cancelDeploy':
        return cancelDeploy(ctx, req);
      case 'listMetadata':
        return list(ctx, req);
      case 'readMetadata':
        return read(ctx, req);
      case 'describeMetadata':
        return soapResult(req.method, describeMetadata());
      case 'retrieve':
        return retrieve(ctx, req);
      case 'checkRetrieveStatus':
        return await checkRetrieveStatus(ctx, req);
      default:
        return noSuchOperation(req.method);
    }
  } catch (error) {
    return soapFault('UNKNOWN_EXCEPTION', `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`);
  }
}
