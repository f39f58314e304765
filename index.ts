/**
 * The package's public entry: the n8n node and credential classes, and the protocol core for programs that talk to
 * Qredo without n8n (the `qredo` CLI uses the same functions). n8n itself loads only the files in package.json `n8n`.
 */
export { Qredo } from './nodes/Qredo/Qredo.node';
export { QredoTrigger } from './nodes/QredoTrigger/QredoTrigger.node';
export { QredoApproval } from './nodes/QredoApproval/QredoApproval.node';
export { QredoApi } from './credentials/QredoApi.credentials';
export { QredoApproverApi } from './credentials/QredoApproverApi.credentials';

export * from './lib/crypto';
export { QredoInputError } from './lib/errors';
export { resolveBaseUrls, type QredoBaseUrls, type QredoEnvironment } from './lib/environments';
export { decodeApiSecret, hmacRequestSignature } from './lib/auth/hmac';
export { qapiV1Headers } from './lib/auth/qredoApiV1';
export { qapiV2LoginHeaders } from './lib/auth/qredoApiV2';
export { decodeJwtExpiry, QredoV2TokenSource } from './lib/transport/v2Tokens';
export { loadRsaPrivateKey, partnerHeaders, partnerSignature, NonceSource } from './lib/auth/partnerApi';
export { qredoRequest, type AuthScheme, type QredoHttp, type QredoRequestOptions, type QredoResponse, type RetryPolicy } from './lib/transport/request';
export { QredoApiError, QredoTransportError, type QredoErrorBody } from './lib/wire/errors';
export { FeedClient, FeedFatalError, type FeedClientOptions } from './lib/feed/feedClient';
export { agentFeedDial, v2FeedDial, agentFeedUrl, v2FeedUrl } from './lib/feed/dial';
export { parseV1Frame, parseV2Frame } from './lib/feed/frames';
export { enrichV1Action, enrichV2Action } from './lib/actions/lookups';
export { SeenActions } from './lib/feed/seenActions';
export { type PendingAction, type ActionDetails } from './lib/actions/action';
export { decideAction, approverFromKeys, type DecisionRecord, type DecideInput } from './lib/actions/decide';
export { zkpHeaderSource, type AgentCredentials } from './lib/auth/agentIdentity';
export { registerAgentV1, registerApiKeyV2 } from './lib/registration';
export { startSandbox } from './sandbox/server';
