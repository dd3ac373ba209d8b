/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { METADATA_NAMESPACE } from '../../src/metadata/ecaTypes.js';
import { buildMetadataXml, MetadataXmlError, parseMetadataXml, plainXmlProblem, textOf, type XmlNode } from '../../src/metadata/xml.js';
import { escapeXml } from '../../src/metadata/xmlText.js';

const POLICY = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <clientCredentialsFlowUser>integration@acme.com.uat2</clientCredentialsFlowUser>
    <commaSeparatedPermissionSet>A_Access,B_Access</commaSeparatedPermissionSet>
    <customAttributes>
        <formula>$User.Id</formula>
        <key>uid</key>
    </customAttributes>
    <customAttributes>
        <formula>&quot;R&amp;D&quot;</formula>
        <key>dept</key>
    </customAttributes>
    <externalClientApplication>My_App</externalClientApplication>
    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>
    <label>My_App_oauthPlcy</label>
    <refreshTokenValidityPeriod>0</refreshTokenValidityPeriod>
</ExtlClntAppOauthConfigurablePolicies>
`;

/** The MetadataXmlError that parsing `xml` throws. */
function parseError(xml: string): MetadataXmlError {
  try {
    parseMetadataXml(xml);
  } catch (e) {
    expect(e).to.be.instanceOf(MetadataXmlError);
    return e as MetadataXmlError;
  }
  return expect.fail('expected a MetadataXmlError');
}

describe('metadata/xml', () => {
  describe('parseMetadataXml', () => {
    it('gives the root element, its children without attributes, and their order', () => {
      const parsed = parseMetadataXml(POLICY);
      expect(parsed.root).to.equal('ExtlClntAppOauthConfigurablePolicies');
      expect(parsed.fields).to.not.have.property('xmlns');
      expect(parsed.fields).to.not.have.property('@_xmlns');
      expect(parsed.order).to.deep.equal([
        'clientCredentialsFlowUser',
        'commaSeparatedPermissionSet',
        'customAttributes',
        'customAttributes',
        'externalClientApplication',
        'isClientCredentialsFlowEnabled',
        'label',
        'refreshTokenValidityPeriod',
      ]);
    });

    it('keeps every value as the text of the file: no boolean or number coercion', () => {
      const { fields } = parseMetadataXml(POLICY);
      expect(fields.isClientCredentialsFlowEnabled).to.equal('true');
      expect(fields.refreshTokenValidityPeriod).to.equal('0');
      const numeric = parseMetadataXml('<A><version>60.10</version><id>00012</id><big>12345678901234567890</big><hex>0x1F</hex></A>').fields;
      expect(numeric).to.deep.equal({ version: '60.10', id: '00012', big: '12345678901234567890', hex: '0x1F' });
    });

    it('makes repeated elements a list and nested elements a node, with entities decoded', () => {
      const { fields } = parseMetadataXml(POLICY);
      expect(fields.customAttributes).to.deep.equal([
        { formula: '$User.Id', key: 'uid' },
        { formula: '"R&D"', key: 'dept' },
      ]);
    });

    it('trims the whitespace around values', () => {
      expect(parseMetadataXml('<A>\n  <label>\n    My App \n  </label>\n</A>').fields).to.deep.equal({ label: 'My App' });
    });

    it('ignores comments, reads CDATA as text, and accepts a file without declaration', () => {
      const parsed = parseMetadataXml('<A>\n  <!-- note -->\n  <b><![CDATA[a < b & c]]></b>\n  <c>y</c>\n</A>');
      expect(parsed.fields).to.deep.equal({ b: 'a < b & c', c: 'y' });
      expect(parsed.order).to.deep.equal(['b', 'c']);
    });

    it('gives no fields for an empty root', () => {
      expect(parseMetadataXml('<?xml version="1.0"?>\n<A xmlns="x"/>')).to.deep.equal({ root: 'A', fields: {}, order: [] });
      expect(parseMetadataXml('<A></A>')).to.deep.equal({ root: 'A', fields: {}, order: [] });
    });

    describe('refuses a DOCTYPE before it can expand anything', () => {
      it('naming the line it is on', () => {
        const error = parseError('<?xml version="1.0"?>\n<!DOCTYPE A [<!ENTITY x "y">]>\n<A>&x;</A>');
        expect(error.line).to.equal(2);
        expect(error.message).to.include('DOCTYPE').and.to.include('remove it');
      });

      it('in any letter case, and an entity expansion bomb too', () => {
        const lol = '<!doctype lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n<lolz>&lol3;</lolz>';
        expect(parseError(lol).line).to.equal(1);
      });
    });

    describe('says in plain words what is wrong with malformed XML, and where (issue 13)', () => {
      it('a closing tag that does not match', () => {
        const error = parseError('<A>\n  <b>x\n  </c>\n</A>');
        expect(error.message).to.equal('<b> opened on line 2 is not closed before </c>');
        expect(error.line).to.equal(3);
      });

      it('a file cut short', () => {
        const error = parseError('<?xml version="1.0"?>\n<A>\n  <b>x</b>\n');
        expect(error.message).to.equal('<A> is never closed (the file may be cut short)');
      });

      it('an empty file, or one with no element', () => {
        for (const xml of ['', '   \n', '<?xml version="1.0" encoding="UTF-8"?>\n', '<!-- only a comment -->']) {
          expect(parseError(xml).message, JSON.stringify(xml)).to.equal('the file is empty or has no XML element');
        }
      });

      it('text before the root element', () => {
        expect(parseError('oops<A/>').message).to.equal('"o" is not allowed there (the file must start with <?xml ...?> or its root element)');
      });

      it('an attribute quote that is not closed', () => {
        expect(parseError('<A xmlns="x></A>').message).to.equal('a quote in an attribute is not closed');
      });

      it('two root elements', () => {
        const error = parseError('<A></A>\n<B></B>');
        expect(error.message.toLowerCase()).to.include('root');
        expect(error.message).to.not.match(/\.$/);
      });

      it('never with parser codes such as InvalidTag or InvalidXml', () => {
        for (const xml of ['', '<A><b></A>', '<A>', 'x', '<A b="></A>', '<A></A><B/>', '<A><b></b></a>']) {
          expect(parseError(xml).message, xml).to.not.match(/Invalid(Tag|Xml|Attr|Char)/);
        }
      });
    });

    it('does not let element names pollute Object.prototype', () => {
      for (const xml of ['<A><__proto__><polluted>yes</polluted></__proto__></A>', '<A><constructor><prototype><polluted>yes</polluted></prototype></constructor></A>']) {
        try {
          const { fields } = parseMetadataXml(xml);
          expect(Object.prototype.hasOwnProperty.call(fields, 'polluted')).to.equal(false);
        } catch {
          // refusing the file is fine too
        }
        expect(({} as Record<string, unknown>).polluted, xml).to.equal(undefined);
      }
    });

    // fast-xml-parser 5.12 throws a plain Error '[SECURITY] Invalid name: "constructor" ...' for such a file; the
    // plugin's own error says it in plain words, with the line.
    it('refuses an element named like an Object.prototype member with a MetadataXmlError in plain words', () => {
      const error = parseError('<?xml version="1.0"?>\n<A>\n  <constructor>x</constructor>\n</A>');
      expect(error.message).to.include('constructor');
      expect(error.message).to.not.include('[SECURITY]');
      expect(error.line).to.equal(3);
    });
  });

  describe('plainXmlProblem', () => {
    it('keeps a message it has no plain words for, without its final period', () => {
      expect(plainXmlProblem('Something else went wrong.')).to.equal('Something else went wrong');
      expect(plainXmlProblem('No period here')).to.equal('No period here');
    });

    it('rewrites the parser messages it knows', () => {
      expect(plainXmlProblem("Expected closing tag 'label' (opened in line 4, col 5) instead of closing tag 'A'.")).to.equal(
        '<label> opened on line 4 is not closed before </A>'
      );
      expect(plainXmlProblem("Unclosed tag 'ExternalClientApplication'.")).to.equal('<ExternalClientApplication> is never closed (the file may be cut short)');
      expect(plainXmlProblem('Start tag expected.')).to.equal('the file is empty or has no XML element');
    });
  });

  describe('textOf', () => {
    const { fields } = parseMetadataXml(POLICY);

    it('is the text of a single scalar child', () => {
      expect(textOf(fields, 'clientCredentialsFlowUser')).to.equal('integration@acme.com.uat2');
      expect(textOf(fields, 'refreshTokenValidityPeriod')).to.equal('0');
      expect(textOf(parseMetadataXml('<A><b></b></A>').fields, 'b')).to.equal('');
    });

    it('is undefined for a missing, repeated or nested element', () => {
      expect(textOf(fields, 'startUrl')).to.equal(undefined);
      expect(textOf(fields, 'customAttributes')).to.equal(undefined);
      expect(textOf(parseMetadataXml('<A><b><c>x</c></b></A>').fields, 'b')).to.equal(undefined);
    });

    it('is undefined for names of Object.prototype members', () => {
      for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(textOf(fields, name), name).to.equal(undefined);
    });
  });

  describe('buildMetadataXml', () => {
    it('writes the declaration, the namespaced root, four-space indent and a final newline', () => {
      const xml = buildMetadataXml('ExternalClientApplication', { label: 'My App', isProtected: 'false' });
      expect(xml).to.equal(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<ExternalClientApplication xmlns="${METADATA_NAMESPACE}">\n` +
          '    <label>My App</label>\n' +
          '    <isProtected>false</isProtected>\n' +
          '</ExternalClientApplication>\n'
      );
    });

    it('keeps the children in the order given (callers sort them)', () => {
      const parsed = parseMetadataXml(buildMetadataXml('A', { zeta: '1', alpha: '2', mid: '3' }));
      expect(parsed.order).to.deep.equal(['zeta', 'alpha', 'mid']);
    });

    it('escapes & < > " \' in values like escapeXml', () => {
      const label = 'R&D <Integration> "prod" \'eu\'';
      const xml = buildMetadataXml('A', { label });
      expect(xml).to.include(`    <label>${escapeXml(label)}</label>\n`);
      expect(xml).to.not.include('<Integration>');
    });

    it('writes lists as repeated elements and nodes as nested elements, and reads back to the same fields', () => {
      const fields: XmlNode = {
        customAttributes: [
          { formula: '$User.Id', key: 'uid' },
          { formula: '"R&D" <x>', key: 'dept' },
        ],
        externalClientApplication: 'My_App',
        label: 'It\'s & <ok>',
        refreshTokenValidityPeriod: '0',
      };
      const xml = buildMetadataXml('ExtlClntAppOauthConfigurablePolicies', fields);
      expect(xml).to.include('        <formula>$User.Id</formula>\n');
      const parsed = parseMetadataXml(xml);
      expect(parsed.root).to.equal('ExtlClntAppOauthConfigurablePolicies');
      expect(parsed.fields).to.deep.equal(fields);
      expect(parsed.order).to.deep.equal(['customAttributes', 'customAttributes', 'externalClientApplication', 'label', 'refreshTokenValidityPeriod']);
    });

    it('reads back what it reads: parse(build(parse(file))) keeps the fields of a real file', () => {
      const first = parseMetadataXml(POLICY);
      const second = parseMetadataXml(buildMetadataXml(first.root, first.fields));
      expect(second).to.deep.equal(first);
    });

    it('writes an empty value as an empty element, not a dropped one', () => {
      const parsed = parseMetadataXml(buildMetadataXml('A', { description: '', label: 'x' }));
      expect(parsed.order).to.deep.equal(['description', 'label']);
      expect(textOf(parsed.fields, 'description')).to.equal('');
    });
  });
});
