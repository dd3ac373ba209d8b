/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import JSZip from 'jszip';

/** Deploy and retrieve zips (base64 in the SOAP body): file path -> UTF-8 text. Directory entries are skipped. */

export async function readZip(base64: string): Promise<Map<string, string>> {
  const zip = await JSZip.loadAsync(Buffer.from(base64, 'base64'));
  const files = new Map<string, string>();
  const entries = Object.values(zip.files).filter((entry) => !entry.dir);
  for (const entry of entries) {
    // eslint-disable-next-line no-await-in-loop
    files.set(entry.name.replace(/^\.\//, ''), await entry.async('string'));
  }
  return files;
}

export async function writeZip(files: ReadonlyMap<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [path, text] of files) zip.file(path, text);
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  return buffer.toString('base64');
}
