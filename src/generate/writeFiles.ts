/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes generated files all-or-nothing. Each file is first compared with what is on disk: created (absent),
 * unchanged (same content, line endings aside, or what `equivalent` accepts), or a conflict (different content).
 * With conflicts and no `force` nothing is written. Otherwise every new content goes to a temporary file beside its target, then the temporary
 * files are renamed into place; on any failure the targets written so far are removed or restored from their backups,
 * and folders this run created are removed again.
 *
 * Safe against a concurrent writer (another generate run, an editor): a new file is placed with an exclusive link
 * (fails if the file appeared since the check), and a file being replaced is read again just before it is moved
 * aside and must still be what the check saw. Either change makes the run fail with ConcurrentWriteError, roll back
 * its own files, and leave the other writer's file alone.
 */

export type FileStatus = 'created' | 'unchanged' | 'overwritten' | 'conflict';

export type FileToWrite = { path: string; content: string };

export type WrittenFile<T extends FileToWrite = FileToWrite> = T & { status: FileStatus };

export type WriteResult<T extends FileToWrite = FileToWrite> = {
  /** Every input file with its status; `conflict` only when nothing was written. */
  files: Array<WrittenFile<T>>;
  /** Paths whose content differs on disk and that were not written (empty when written). */
  conflicts: string[];
};

/** A write that failed and was rolled back; `path` is the file being handled when it failed. */
export class FileWriteError extends Error {
  public constructor(public readonly path: string, public readonly reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.name = 'FileWriteError';
  }
}

/** A file that another process created or changed between this run's check and its write. */
export class ConcurrentWriteError extends FileWriteError {
  public constructor(path: string) {
    super(path, 'created or changed by another process while this run was writing');
    this.name = 'ConcurrentWriteError';
  }
}

/** File system operations the writer uses; tests may replace one to inject a failure. */
export type WriterFs = Pick<
  typeof fs,
  'readFile' | 'writeFile' | 'rename' | 'rm' | 'rmdir' | 'mkdir' | 'stat' | 'link' | 'copyFile'
>;

/** Decides whether existing file content already says what the new content says (then the file is left alone). */
export type Equivalence = (existing: string, generated: string, path: string) => boolean | Promise<boolean>;

export type WriteOptions = { force?: boolean; fileSystem?: Partial<WriterFs>; equivalent?: Equivalence };

/** Default equivalence: same text, line endings aside. */
export function sameText(a: string, b: string): boolean {
  return a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
}

function sidePath(path: string, kind: 'tmp' | 'bak'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${kind}`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function existingContent(fsx: WriterFs, path: string): Promise<string | undefined> {
  try {
    return await fsx.readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new FileWriteError(path, 'a folder exists where the file must go', { cause: error });
    if (code === 'ENOTDIR') throw new FileWriteError(path, 'a file exists where a folder must go', { cause: error });
    throw new FileWriteError(path, errorText(error), { cause: error });
  }
}

/** Compares each file with the disk without writing anything. */
export async function planWrites<T extends FileToWrite>(
  files: readonly T[],
  fileSystem: Partial<WriterFs> = {},
  equivalent: Equivalence = sameText,
  seen?: Map<string, string | undefined>
): Promise<Array<WrittenFile<T>>> {
  const fsx: WriterFs = { ...fs, ...fileSystem };
  return Promise.all(
    files.map(async (file): Promise<WrittenFile<T>> => {
      const existing = await existingContent(fsx, file.path);
      seen?.set(file.path, existing);
      const status: FileStatus =
        existing === undefined
          ? 'created'
          : sameText(existing, file.content) || (await equivalent(existing, file.content, file.path))
          ? 'unchanged'
          : 'conflict';
      return { ...file, status };
    })
  );
}

/** Folders that mkdir -p of `dir` would create, deepest first. */
async function missingFolders(fsx: WriterFs, dir: string): Promise<string[]> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    try {
      // eslint-disable-next-line no-await-in-loop
      await fsx.stat(current);
      return missing;
    } catch {
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) return missing;
      current = parent;
    }
  }
}

type Progress = {
  createdFolders: string[];
  temps: string[];
  backups: Array<{ path: string; backup: string }>;
  placed: string[];
};

async function rollback(fsx: WriterFs, progress: Progress): Promise<void> {
  for (const path of progress.placed.reverse()) {
    // eslint-disable-next-line no-await-in-loop
    await fsx.rm(path, { force: true }).catch(() => undefined);
  }
  for (const { path, backup } of progress.backups.reverse()) {
    // eslint-disable-next-line no-await-in-loop
    await fsx.rename(backup, path).catch(() => undefined);
  }
  for (const temp of progress.temps) {
    // eslint-disable-next-line no-await-in-loop
    await fsx.rm(temp, { force: true }).catch(() => undefined);
  }
  const folders = [...new Set(progress.createdFolders)].sort((a, b) => b.length - a.length);
  for (const folder of folders) {
    // eslint-disable-next-line no-await-in-loop
    await fsx.rmdir(folder).catch(() => undefined);
  }
}

/** Places `temp` at `path` only if nothing is there (atomic where hard links work; exclusive copy elsewhere). */
async function placeNew(fsx: WriterFs, temp: string, path: string): Promise<void> {
  try {
    await fsx.link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ConcurrentWriteError(path);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    try {
      await fsx.copyFile(temp, path, fs.constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw new ConcurrentWriteError(path);
      throw copyError;
    }
  }
  await fsx.rm(temp, { force: true });
}

async function commit(fsx: WriterFs, files: readonly WrittenFile[], seen: ReadonlyMap<string, string | undefined>): Promise<void> {
  const progress: Progress = { createdFolders: [], temps: [], backups: [], placed: [] };
  const temps = new Map<string, string>();
  let current = '';
  try {
    // Sequential on purpose: the rollback must know exactly what exists.
    /* eslint-disable no-await-in-loop */
    for (const file of files) {
      current = file.path;
      const folder = dirname(file.path);
      const missing = await missingFolders(fsx, folder);
      if (missing.length > 0) {
        progress.createdFolders.push(...missing);
        await fsx.mkdir(folder, { recursive: true });
      }
      const temp = sidePath(file.path, 'tmp');
      progress.temps.push(temp);
      await fsx.writeFile(temp, file.content, { encoding: 'utf8', flag: 'wx' });
      temps.set(file.path, temp);
    }
    for (const file of files) {
      current = file.path;
      const temp = temps.get(file.path) as string;
      if (file.status === 'created') {
        await placeNew(fsx, temp, file.path);
      } else {
        // Compare before moving aside: the file must still be what the check read.
        if ((await existingContent(fsx, file.path)) !== seen.get(file.path)) throw new ConcurrentWriteError(file.path);
        const backup = sidePath(file.path, 'bak');
        await fsx.rename(file.path, backup);
        progress.backups.push({ path: file.path, backup });
        await fsx.rename(temp, file.path);
      }
      progress.temps = progress.temps.filter((t) => t !== temp);
      progress.placed.push(file.path);
    }
    /* eslint-enable no-await-in-loop */
  } catch (error) {
    await rollback(fsx, progress);
    if (error instanceof FileWriteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOTDIR' || code === 'EEXIST' ? 'a file exists where a folder must go' : errorText(error);
    throw new FileWriteError(current, reason, { cause: error });
  }
  await Promise.all(progress.backups.map(({ backup }) => fsx.rm(backup, { force: true }).catch(() => undefined)));
}

/**
 * Writes `files` all-or-nothing. Returns each file's status; with conflicts and no `force`, writes nothing and lists
 * them. Throws FileWriteError (after rolling back) when the disk refuses a write.
 */
export async function writeFiles<T extends FileToWrite>(
  files: readonly T[],
  options: WriteOptions = {}
): Promise<WriteResult<T>> {
  const fsx: WriterFs = { ...fs, ...options.fileSystem };
  const seen = new Map<string, string | undefined>();
  const planned = await planWrites(files, fsx, options.equivalent, seen);
  const conflicts = planned.filter((f) => f.status === 'conflict').map((f) => f.path);
  if (conflicts.length > 0 && options.force !== true) return { files: planned, conflicts };
  const resolved = planned.map((f) => (f.status === 'conflict' ? { ...f, status: 'overwritten' as const } : f));
  await commit(
    fsx,
    resolved.filter((f) => f.status !== 'unchanged'),
    seen
  );
  return { files: resolved, conflicts: [] };
}
