/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import * as fs from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { ConcurrentWriteError, FileWriteError, planWrites, writeFiles } from '../../src/generate/writeFiles.js';

/** Every file and folder under dir, relative, sorted (folders end with /). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => relative(dir, join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

describe('writeFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eca-write-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates files and their folders', async () => {
    const files = [
      { path: join(dir, 'a', 'b', 'one.xml'), content: '1' },
      { path: join(dir, 'two.json'), content: '2' },
    ];
    const result = await writeFiles(files);
    expect(result.conflicts).to.deep.equal([]);
    expect(result.files.map((f) => f.status)).to.deep.equal(['created', 'created']);
    expect(await readFile(files[0].path, 'utf8')).to.equal('1');
    expect(await tree(dir)).to.deep.equal(['a/', 'a/b/', 'a/b/one.xml', 'two.json']);
  });

  it('leaves identical files alone, also when only line endings differ', async () => {
    const path = join(dir, 'same.xml');
    await writeFile(path, 'x\r\ny\r\n');
    const before = await fs.stat(path);
    const result = await writeFiles([{ path, content: 'x\ny\n' }]);
    expect(result.files[0].status).to.equal('unchanged');
    expect(await readFile(path, 'utf8')).to.equal('x\r\ny\r\n');
    expect((await fs.stat(path)).mtimeMs).to.equal(before.mtimeMs);
  });

  it('leaves a file alone when the equivalence accepts it', async () => {
    const path = join(dir, 'formatted.xml');
    await writeFile(path, '<a>  1  </a>');
    const result = await writeFiles([{ path, content: '<a>1</a>' }], {
      equivalent: (existing, generated) => existing.replace(/\s/g, '') === generated,
    });
    expect(result.files[0].status).to.equal('unchanged');
    expect(await readFile(path, 'utf8')).to.equal('<a>  1  </a>');
  });

  it('stops on conflicts without writing anything', async () => {
    const edited = join(dir, 'edited.xml');
    await writeFile(edited, 'user edit');
    const result = await writeFiles([
      { path: join(dir, 'new', 'fresh.xml'), content: 'new' },
      { path: edited, content: 'generated' },
    ]);
    expect(result.conflicts).to.deep.equal([edited]);
    expect(result.files.map((f) => f.status)).to.deep.equal(['created', 'conflict']);
    expect(await readFile(edited, 'utf8')).to.equal('user edit');
    expect(await tree(dir)).to.deep.equal(['edited.xml']);
  });

  it('overwrites conflicts with force', async () => {
    const edited = join(dir, 'edited.xml');
    await writeFile(edited, 'user edit');
    const result = await writeFiles([{ path: edited, content: 'generated' }], { force: true });
    expect(result.files[0].status).to.equal('overwritten');
    expect(await readFile(edited, 'utf8')).to.equal('generated');
    expect(await tree(dir)).to.deep.equal(['edited.xml']);
  });

  it('keeps extra properties of the input files', async () => {
    const result = await writeFiles([{ path: join(dir, 'x'), content: 'x', type: 'Manifest' }]);
    expect(result.files[0]).to.include({ type: 'Manifest', status: 'created' });
  });

  it('refuses a folder where a file must go, before writing anything', async () => {
    await mkdir(join(dir, 'taken.xml'));
    const attempt = writeFiles([
      { path: join(dir, 'first.xml'), content: '1' },
      { path: join(dir, 'taken.xml'), content: '2' },
    ]);
    const error = await attempt.then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e
    );
    expect(error).to.be.instanceOf(FileWriteError);
    expect((error as FileWriteError).path).to.equal(join(dir, 'taken.xml'));
    expect(await tree(dir)).to.deep.equal(['taken.xml/']);
  });

  it('rolls back temp files and created folders when a folder cannot be created', async () => {
    await writeFile(join(dir, 'blocker'), 'a file, not a folder');
    const error = await writeFiles([
      { path: join(dir, 'ok', 'deep', 'one.xml'), content: '1' },
      { path: join(dir, 'blocker', 'two.xml'), content: '2' },
    ]).then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e
    );
    expect(error).to.be.instanceOf(FileWriteError);
    expect((error as FileWriteError).path).to.equal(join(dir, 'blocker', 'two.xml'));
    expect(await tree(dir)).to.deep.equal(['blocker']);
  });

  it('restores overwritten files and removes created ones when a rename fails midway', async () => {
    const existing = join(dir, 'existing.xml');
    await writeFile(existing, 'old');
    const created = join(dir, 'sub', 'created.xml');
    const last = join(dir, 'last.xml');
    // New files are placed with link (exclusive), changed ones with rename: the last placement fails.
    const link: typeof fs.link = async (from, to) => {
      if (to === last) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      return fs.link(from, to);
    };
    const error = await writeFiles(
      [
        { path: created, content: 'c' },
        { path: existing, content: 'new' },
        { path: last, content: 'l' },
      ],
      { force: true, fileSystem: { link } }
    ).then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e
    );
    expect(error).to.be.instanceOf(FileWriteError);
    expect((error as FileWriteError).reason).to.equal('disk full');
    expect(await readFile(existing, 'utf8')).to.equal('old');
    expect(await tree(dir)).to.deep.equal(['existing.xml']);
  });

  it('fails when another writer creates a file between the check and the write, keeping its file (issue 13: lost update)', async () => {
    const target = join(dir, 'app.xml');
    const other = join(dir, 'other.xml');
    // The other run creates app.xml while this run writes its temporary files.
    const writeFileRacing: typeof fs.writeFile = async (path, data, options) => {
      await fs.writeFile(path, data, options);
      if (String(path).includes('.app.xml.')) await fs.writeFile(target, 'theirs');
    };
    const error = await writeFiles(
      [
        { path: other, content: 'mine-other' },
        { path: target, content: 'mine' },
      ],
      { fileSystem: { writeFile: writeFileRacing } }
    ).then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e
    );
    expect(error).to.be.instanceOf(ConcurrentWriteError);
    expect((error as ConcurrentWriteError).path).to.equal(target);
    expect(await readFile(target, 'utf8')).to.equal('theirs');
    expect(await tree(dir)).to.deep.equal(['app.xml']); // this run's other file was rolled back, no temp left
  });

  it('fails when another writer changes a file this run replaces (--force), keeping the change', async () => {
    const target = join(dir, 'app.xml');
    await writeFile(target, 'original');
    const writeFileRacing: typeof fs.writeFile = async (path, data, options) => {
      await fs.writeFile(path, data, options);
      if (String(path).includes('.app.xml.')) await fs.writeFile(target, 'theirs');
    };
    const error = await writeFiles([{ path: target, content: 'mine' }], { force: true, fileSystem: { writeFile: writeFileRacing } }).then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e
    );
    expect(error).to.be.instanceOf(ConcurrentWriteError);
    expect(await readFile(target, 'utf8')).to.equal('theirs');
    expect(await tree(dir)).to.deep.equal(['app.xml']);
  });

  it('planWrites reports statuses without touching the disk', async () => {
    await writeFile(join(dir, 'same'), 's');
    await writeFile(join(dir, 'diff'), 'd');
    const planned = await planWrites([
      { path: join(dir, 'same'), content: 's' },
      { path: join(dir, 'diff'), content: 'D' },
      { path: join(dir, 'new'), content: 'n' },
    ]);
    expect(planned.map((p) => p.status)).to.deep.equal(['unchanged', 'conflict', 'created']);
    expect(await tree(dir)).to.deep.equal(['diff', 'same']);
  });
});
