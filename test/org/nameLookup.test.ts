/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { nameRecord, ownValue } from '../../src/org/nameLookup.js';

/** Names that a plain object answers for from Object.prototype (issue 13: `--permission-sets constructor`). */
const PROTOTYPE_NAMES = ['constructor', 'valueOf', 'toString', 'hasOwnProperty', 'isPrototypeOf', '__proto__', '__defineGetter__', 'propertyIsEnumerable'];

describe('org/nameLookup', () => {
  describe('nameRecord', () => {
    it('holds the entries it is given, later entries replacing earlier ones', () => {
      const record = nameRecord([
        ['Integration_Access', '0PS000000000001AAA'],
        ['Other', '0PS000000000002AAA'],
        ['Integration_Access', '0PS000000000003AAA'],
      ]);
      expect(Object.keys(record)).to.deep.equal(['Integration_Access', 'Other']);
      expect(record.Integration_Access).to.equal('0PS000000000003AAA');
    });

    it('is empty without entries and accepts any iterable of pairs (a Map)', () => {
      expect(Object.keys(nameRecord())).to.deep.equal([]);
      expect(nameRecord(new Map([['Admin', 1]])).Admin).to.equal(1);
    });

    it('has no prototype: Object.prototype names are not in an empty record', () => {
      const record = nameRecord<string>();
      expect(Object.getPrototypeOf(record)).to.equal(null);
      for (const name of PROTOTYPE_NAMES) {
        expect(name in record, name).to.equal(false);
        expect(record[name], name).to.equal(undefined);
      }
    });

    it('keeps "__proto__" and "constructor" as ordinary names, without touching any prototype', () => {
      const record = nameRecord([
        ['__proto__', 'a permission set named __proto__'],
        ['constructor', 'a profile named constructor'],
      ]);
      expect(Object.keys(record)).to.have.members(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(record)).to.equal(null);
      expect(ownValue(record, '__proto__')).to.equal('a permission set named __proto__');
      expect(ownValue(record, 'constructor')).to.equal('a profile named constructor');
      expect(({} as Record<string, unknown>).constructor).to.equal(Object);
    });
  });

  describe('ownValue', () => {
    it('returns the value of an own name, including falsy values', () => {
      const record = nameRecord<string | number | boolean>([
        ['Admin', 'id'],
        ['Zero', 0],
        ['Empty', ''],
        ['No', false],
      ]);
      expect(ownValue(record, 'Admin')).to.equal('id');
      expect(ownValue(record, 'Zero')).to.equal(0);
      expect(ownValue(record, 'Empty')).to.equal('');
      expect(ownValue(record, 'No')).to.equal(false);
    });

    it('is undefined for a missing name, and names are case-sensitive', () => {
      const record = nameRecord([['Admin', 'id']]);
      expect(ownValue(record, 'Missing')).to.equal(undefined);
      expect(ownValue(record, 'admin')).to.equal(undefined);
    });

    it('answers nothing for Object.prototype names, even on a plain object (issue 13)', () => {
      const plain: Record<string, string> = { Admin: '00e000000000001AAA' };
      for (const name of PROTOTYPE_NAMES) {
        expect(ownValue(plain, name), name).to.equal(undefined);
        expect(ownValue(nameRecord([['Admin', 'x']]), name), name).to.equal(undefined);
      }
      expect(ownValue(plain, 'Admin')).to.equal('00e000000000001AAA');
    });

    it('still works when the record has an own "hasOwnProperty" entry', () => {
      const record = nameRecord([['hasOwnProperty', 'shadow']]);
      expect(ownValue(record, 'hasOwnProperty')).to.equal('shadow');
      expect(ownValue(record, 'Other')).to.equal(undefined);
    });
  });
});
