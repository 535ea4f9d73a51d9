// Every test process: no real credentials, no real AWS, no SDK notices.
'use strict';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
const urls = (process.env.FTR_TEST_MOTO_URLS || '').split(',').filter(Boolean);
if (urls.length > 0) {
  const worker = Number(process.env.JEST_WORKER_ID || '1');
  process.env.AWS_ENDPOINT_URL = urls[(worker - 1) % urls.length];
}
