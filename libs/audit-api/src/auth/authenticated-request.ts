import type { Request } from 'express';
import type { ApiKeyRecord } from '@app/read-model';

/** The key that authenticated a request (its id goes to the request log; the secret never does). */
export type AuthenticatedRequest = Request & { apiKey?: ApiKeyRecord };
