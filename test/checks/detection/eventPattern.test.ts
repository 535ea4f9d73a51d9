import { parsePattern, patternMatches } from '../../../src/checks/detection/eventPattern';

const finding = { source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { severity: 8, type: 'Recon:EC2/PortProbeUnprotectedPort', resource: { tags: ['a', 'b'] } } };

describe('patternMatches, as EventBridge matches an event', () => {
  it.each<[string, object, boolean]>([
    ['exact values', { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] }, true],
    ['another source', { source: ['aws.securityhub'] }, false],
    ['no source at all', { 'detail-type': ['GuardDuty Finding'] }, true],
    ['prefix', { source: [{ prefix: 'aws.guard' }] }, true],
    ['case-insensitive prefix', { source: [{ prefix: { 'equals-ignore-case': 'AWS.GUARD' } }] }, true],
    ['suffix', { detail: { type: [{ suffix: 'UnprotectedPort' }] } }, true],
    ['equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'guardduty finding' }] }, true],
    ['wildcard', { detail: { type: [{ wildcard: 'Recon:*/Port*' }] } }, true],
    ['numeric range holding', { detail: { severity: [{ numeric: ['>=', 7, '<', 9] }] } }, true],
    ['numeric range not holding', { detail: { severity: [{ numeric: ['<', 7] }] } }, false],
    ['a list of numbers', { detail: { severity: [4, 5, 8] } }, true],
    ['anything-but a value', { detail: { type: [{ 'anything-but': 'Recon:EC2/Portscan' }] } }, true],
    ['anything-but the value', { detail: { type: [{ 'anything-but': ['Recon:EC2/PortProbeUnprotectedPort'] }] } }, false],
    ['anything-but a prefix it has', { detail: { type: [{ 'anything-but': { prefix: 'Recon:' } }] } }, false],
    ['exists true on a present field', { detail: { severity: [{ exists: true }] } }, true],
    ['exists false on a present field', { detail: { severity: [{ exists: false }] } }, false],
    ['exists false on an absent field', { detail: { service: { archived: [{ exists: false }] } } }, true],
    ['a value on an absent field', { detail: { service: { archived: [false] } } }, false],
    ['anything-but on an absent field', { detail: { region: [{ 'anything-but': 'us-east-1' }] } }, false],
    ['one element of an array field', { detail: { resource: { tags: ['b'] } } }, true],
    ['$or with one branch matching', { $or: [{ source: ['aws.ec2'] }, { detail: { severity: [8] } }] }, true],
    ['$or with no branch matching', { $or: [{ source: ['aws.ec2'] }, { detail: { severity: [2] } }] }, false],
    ['an unknown filter', { source: [{ 'some-future-operator': 'aws.guardduty' }] }, false],
  ])('%s', (_label, pattern, expected) => {
    expect(patternMatches(parsePattern(JSON.stringify(pattern)), finding)).toBe(expected);
  });

  it('matches nothing for a scheduled rule or a pattern that is not a JSON object', () => {
    expect(patternMatches(parsePattern(undefined), finding)).toBe(false);
    expect(patternMatches(parsePattern('{not json'), finding)).toBe(false);
    expect(patternMatches(parsePattern('["aws.guardduty"]'), finding)).toBe(false);
  });
});
