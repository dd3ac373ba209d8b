/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { equivalentContent } from '../../src/generate/equivalentContent.js';

const generated = `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>a@example.com</contactEmail>
    <label>My App</label>
</ExternalClientApplication>
`;

describe('equivalentContent', () => {
  it('accepts XML that differs only in indentation, line breaks and the declaration', async () => {
    const reformatted =
      '<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\r\n  <contactEmail>a@example.com</contactEmail><label>My App</label>\r\n</ExternalClientApplication>';
    expect(await equivalentContent(reformatted, generated, 'x/App.eca-meta.xml')).to.equal(true);
  });

  it('rejects XML with another value, element order, extra element, attribute or comment', async () => {
    const edits = [
      generated.replace('My App', 'My Other App'),
      generated.replace(
        '<contactEmail>a@example.com</contactEmail>\n    <label>My App</label>',
        '<label>My App</label>\n    <contactEmail>a@example.com</contactEmail>'
      ),
      generated.replace('<label>', '<description>d</description>\n    <label>'),
      generated.replace('metadata"', 'metadata" extra="1"'),
      generated.replace('<label>', '<!-- keep this -->\n    <label>'),
    ];
    for (const edit of edits) expect(await equivalentContent(edit, generated, 'App.eca-meta.xml'), edit).to.equal(false); // eslint-disable-line no-await-in-loop
  });

  it('compares JSON as values', async () => {
    expect(await equivalentContent('{"b":[1,2],"a":"x"}', '{\n  "a": "x",\n  "b": [1, 2]\n}\n', 'u.user-def.json')).to.equal(true);
    expect(await equivalentContent('{"a":"x","b":[2,1]}', '{"a":"x","b":[1,2]}', 'u.user-def.json')).to.equal(false);
  });

  it('treats unparseable files and other file kinds as different', async () => {
    expect(await equivalentContent('{oops', '{}', 'u.json')).to.equal(false);
    expect(await equivalentContent('<a>', '<a/>', 'broken.xml')).to.equal(false);
    expect(await equivalentContent('same', 'same ', 'notes.txt')).to.equal(false);
  });
});
