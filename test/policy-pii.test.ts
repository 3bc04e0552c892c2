import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from '../src/policy/pii/checksums.js';
import { BUILTIN_DETECTORS } from '../src/policy/pii/detector.js';
import { makeScanner } from '../src/policy/pii/scan.js';

const scan = makeScanner(BUILTIN_DETECTORS);
const kinds = (text: string) => [...scan([{ content: text }])].sort();

describe('personal data detectors', () => {
  it.each([
    ['write to jane.doe@example.co.uk', ['email']],
    ['card 4111 1111 1111 1111', ['card']],
    ['card 5500-0000-0000-0004 exp 12/27', ['card']],
    ['NI number AB 12 34 56 C', ['national_id']],
    ['IBAN DE89370400440532013000', ['iban']],
    ['call +44 20 7946 0958', ['phone']],
    ['call (555) 123-4567', ['phone']],
    ['key sk-proj-abcdefghijklmnopqrstuvwx1234', ['api_key']],
    ['AKIAIOSFODNN7EXAMPLE is my access key', ['api_key']],
    ['-----BEGIN RSA PRIVATE KEY-----', ['api_key']],
  ])('finds %s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  it('finds a US SSN (which also reads like a phone number)', () => {
    expect(kinds('ssn 123-45-6789')).toContain('national_id');
  });

  it.each([
    'card 4111 1111 1111 1112',
    'what is 123456789 * 987654321?',
    'the meeting is on 2024-01-15',
    'prices 10.99 12.50 13.75',
    'connect to 192.168.100.200',
    'pi is 3.14159265358979',
    'version 1.2.3 of the package',
    'Explain quantum entanglement to a child',
  ])('does not flag %s', (text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('checks Luhn and IBAN mod 97', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });

  it('scans all messages, not just the last', () => {
    expect([...scan([{ content: 'hello' }, { content: 'my mail is x@y.org' }, { content: 'thanks' }])]).toEqual(['email']);
  });
});
