import { dataEventCoverage } from '../../../src/checks/dataprotection/s3DataEvents';

const data = [
  { Field: 'eventCategory', Equals: ['Data'] },
  { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
];
type Selectors = Parameters<typeof dataEventCoverage>[0];
const advanced = (...extra: object[]): Selectors => ({ basic: [], advanced: [{ FieldSelectors: [...data, ...extra] as Selectors['advanced'][0]['FieldSelectors'] }] });

describe('dataEventCoverage', () => {
  it.each([
    ['basic, all buckets', { basic: [{ ReadWriteType: 'All' as const, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }], advanced: [] }, true, true],
    ['basic, read only', { basic: [{ ReadWriteType: 'ReadOnly' as const, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/'] }] }], advanced: [] }, true, false],
    ['basic, a prefix of the bucket', { basic: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/uploads/'] }] }], advanced: [] }, false, false],
    ['basic, another bucket', { basic: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::other/'] }] }], advanced: [] }, false, false],
    ['advanced, every object', advanced(), true, true],
    ['advanced, StartsWith the bucket', advanced({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data/'] }), true, true],
    ['advanced, StartsWith another bucket', advanced({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::other/'] }), false, false],
    ['advanced, excluding the bucket', advanced({ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::data/'] }), false, false],
    ['advanced, excluding another bucket', advanced({ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::other/'] }), true, true],
    ['advanced, reads only', advanced({ Field: 'readOnly', Equals: ['true'] }), true, false],
    ['advanced, only some event names', advanced({ Field: 'eventName', Equals: ['PutObject'] }), false, false],
    ['advanced, management events', { basic: [], advanced: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }, false, false],
  ])('%s', (_label, selectors, read, write) => {
    expect(dataEventCoverage(selectors as Selectors, 'data')).toEqual({ read, write });
  });
});
