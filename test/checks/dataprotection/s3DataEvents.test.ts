import { dataEventCoverage } from '../../../src/checks/dataprotection/s3DataEvents';

type Selectors = Parameters<typeof dataEventCoverage>[0];
type FieldSelectors = Selectors['advanced'][0]['FieldSelectors'];

const data = [
  { Field: 'eventCategory', Equals: ['Data'] },
  { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
];
const selector = (...extra: object[]) => ({ FieldSelectors: [...data, ...extra] as FieldSelectors });
const advanced = (...extra: object[]): Selectors => ({ basic: [], advanced: [selector(...extra)] });
const basic = (ReadWriteType: 'All' | 'ReadOnly' | 'WriteOnly', ...values: string[]): Selectors => ({
  basic: [{ ReadWriteType, DataResources: [{ Type: 'AWS::S3::Object', Values: values }] }],
  advanced: [],
});

describe('dataEventCoverage of bucket "data"', () => {
  it.each<[string, Selectors, boolean, boolean, string[]]>([
    ['basic, all buckets', basic('All', 'arn:aws:s3'), true, true, []],
    ['basic, the whole bucket', basic('All', 'arn:aws:s3:::data/'), true, true, []],
    ['basic, all buckets, reads only', basic('ReadOnly', 'arn:aws:s3'), true, false, ['reads only']],
    ['basic, the bucket, writes only', basic('WriteOnly', 'arn:aws:s3:::data/'), false, true, ['writes only']],
    ['basic, a prefix of the bucket', basic('All', 'arn:aws:s3:::data/uploads/'), false, false, ['only objects under arn:aws:s3:::data/uploads/']],
    ['basic, another bucket', basic('All', 'arn:aws:s3:::other/'), false, false, []],
    ['basic, a bucket whose name starts like it', basic('All', 'arn:aws:s3:::database/'), false, false, []],
    ['advanced, every object', advanced(), true, true, []],
    ['advanced, StartsWith the bucket', advanced({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data/'] }), true, true, []],
    ['advanced, StartsWith another bucket', advanced({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::other/'] }), false, false, []],
    [
      'advanced, StartsWith a prefix inside the bucket',
      advanced({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data/public/'] }),
      false,
      false,
      ['only objects under arn:aws:s3:::data/public/'],
    ],
    [
      'advanced, NotStartsWith the bucket',
      advanced({ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::data/'] }),
      false,
      false,
      ['all its objects excluded by resources.ARN NotStartsWith arn:aws:s3:::data/'],
    ],
    [
      'advanced, NotStartsWith a prefix inside the bucket',
      advanced({ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::data/tmp/'] }),
      false,
      false,
      ['objects under arn:aws:s3:::data/tmp/ excluded (NotStartsWith)'],
    ],
    ['advanced, NotStartsWith another bucket', advanced({ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::other/'] }), true, true, []],
    [
      'advanced, NotEquals one object of the bucket',
      advanced({ Field: 'resources.ARN', NotEquals: ['arn:aws:s3:::data/secret.csv'] }),
      false,
      false,
      ['object arn:aws:s3:::data/secret.csv excluded (NotEquals)'],
    ],
    [
      'advanced, NotEndsWith a suffix any key may have',
      advanced({ Field: 'resources.ARN', NotEndsWith: ['.log'] }),
      false,
      false,
      ['objects ending with .log excluded (NotEndsWith)'],
    ],
    ['advanced, reads only', advanced({ Field: 'readOnly', Equals: ['true'] }), true, false, ['reads only']],
    ['advanced, writes only', advanced({ Field: 'readOnly', Equals: ['false'] }), false, true, ['writes only']],
    ['advanced, only some event names', advanced({ Field: 'eventName', Equals: ['PutObject'] }), false, false, ['eventName Equals PutObject']],
    ['advanced, S3 as the event source', advanced({ Field: 'eventSource', Equals: ['s3.amazonaws.com'] }), true, true, []],
    ['advanced, another event source', advanced({ Field: 'eventSource', Equals: ['s3-outposts.amazonaws.com'] }), false, false, []],
    ['advanced, one event name left out', advanced({ Field: 'eventName', NotEquals: ['GetObject'] }), false, false, ['eventName NotEquals GetObject']],
    [
      'advanced, some callers left out',
      advanced({ Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:sts::123456789012:assumed-role/etl/'] }),
      false,
      false,
      ['userIdentity.arn NotStartsWith arn:aws:sts::123456789012:assumed-role/etl/'],
    ],
    ['advanced, management events', { basic: [], advanced: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }, false, false, []],
    [
      'advanced, reads in one selector and writes in another',
      { basic: [], advanced: [selector({ Field: 'readOnly', Equals: ['true'] }), selector({ Field: 'readOnly', Equals: ['false'] })] },
      true,
      true,
      [],
    ],
    [
      'advanced, all reads but writes only under a prefix',
      {
        basic: [],
        advanced: [
          selector({ Field: 'readOnly', Equals: ['true'] }),
          selector({ Field: 'readOnly', Equals: ['false'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data/in/'] }),
        ],
      },
      true,
      false,
      ['reads only', 'writes only, only objects under arn:aws:s3:::data/in/'],
    ],
  ])('%s', (_label, selectors, read, write, shortfalls) => {
    expect(dataEventCoverage(selectors, 'data')).toEqual({ read, write, shortfalls });
  });
});
