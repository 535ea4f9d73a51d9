import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import { RequestCounter } from './requestCounter';

/** Any SDK v3 client: constructed from a config object, with a middleware stack. */
export interface SdkClient {
  middlewareStack: MiddlewareStack<any, any>;
  destroy(): void;
}
export type SdkClientConstructor<C extends SdkClient> = new (config: any) => C;

export interface AwsAccessOptions {
  credentials?: AwsCredentialIdentityProvider;
  /** Attempts per request, retries of throttling and transient errors included. */
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Sockets per host; bounds the concurrency of each service endpoint. */
  maxSockets?: number;
  env?: NodeJS.ProcessEnv;
  counter?: RequestCounter;
}

const ENDPOINT_ENV_SUFFIX: Record<string, string> = { S3ControlClient: 'S3_CONTROL' };

/**
 * The AWS access layer of one scan: SDK clients created once per service and region
 * and reused, sharing one credential provider, one connection pool, the SDK's retry
 * mode, request timeouts, and a counter of every request attempt.
 */
export class AwsAccess {
  readonly counter: RequestCounter;
  private readonly clients = new Map<string, SdkClient>();
  private readonly credentials: AwsCredentialIdentityProvider;
  private readonly requestHandler: NodeHttpHandler;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: AwsAccessOptions = {}) {
    this.env = options.env ?? process.env;
    this.counter = options.counter ?? new RequestCounter();
    const provider = options.credentials ?? fromNodeProviderChain();
    this.credentials = provider;
    const maxSockets = options.maxSockets ?? 32;
    this.requestHandler = new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    });
  }

  /** The client of `Ctor` for `region`, created on first use. */
  client<C extends SdkClient>(Ctor: SdkClientConstructor<C>, region: string): C {
    const key = `${Ctor.name}|${region}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      client = this.create(Ctor, region);
      this.clients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.requestHandler.destroy();
  }

  private create<C extends SdkClient>(Ctor: SdkClientConstructor<C>, region: string): C {
    const override = this.endpointOverride(Ctor.name);
    const client = new Ctor({
      region,
      credentials: this.credentials,
      maxAttempts: this.options.maxAttempts ?? 6,
      retryMode: this.options.retryMode ?? 'adaptive',
      requestHandler: this.requestHandler,
      // A local endpoint has no per-bucket host names; a bucket asked in the wrong region redirects.
      ...(Ctor.name === 'S3Client' ? { followRegionRedirects: true, ...(override ? { forcePathStyle: true } : {}) } : {}),
      // S3 Control's endpoint rules put the account id into the host name, which a local endpoint does not have.
      ...(Ctor.name === 'S3ControlClient' && override ? { endpointProvider: () => ({ url: new URL(override) }) } : {}),
    });
    const service = Ctor.name.replace(/Client$/, '').toLowerCase();
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        this.counter.record(service, String(context.commandName ?? 'Unknown').replace(/Command$/, ''));
        return next(args);
      },
      { step: 'deserialize', name: 'ftrRequestCounter', override: true },
    );
    return client;
  }

  /** The endpoint set through `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`, as the SDK reads them. */
  private endpointOverride(ctorName: string): string | undefined {
    const suffix = ENDPOINT_ENV_SUFFIX[ctorName] ?? ctorName.replace(/Client$/, '').toUpperCase();
    return this.env[`AWS_ENDPOINT_URL_${suffix}`] || this.env.AWS_ENDPOINT_URL || undefined;
  }
}
