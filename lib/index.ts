/**
 * The protocol core: everything needed to talk to Qredo without n8n — crypto, auth schemes, transport, the feed,
 * actions and registration. Published as `n8n-nodes-qredo/core`; the `qredo` CLI and the sandbox (packages/cli)
 * use it and nothing deeper.
 */
export * from './crypto';
export { QredoInputError } from './errors';
export { resolveBaseUrls, type QredoBaseUrls, type QredoEnvironment } from './environments';
export { decodeApiSecret, hmacRequestSignature } from './auth/hmac';
export { qapiV1Headers } from './auth/qredoApiV1';
export { qapiV2LoginHeaders } from './auth/qredoApiV2';
export { decodeJwtExpiry, QredoV2TokenSource } from './transport/v2Tokens';
export { loadRsaPrivateKey, partnerHeaders, partnerSignature, NonceSource } from './auth/partnerApi';
export { qredoRequest, type AuthScheme, type QredoHttp, type QredoRequestOptions, type QredoResponse, type RetryPolicy } from './transport/request';
export { QredoApiError, QredoTransportError, type QredoErrorBody } from './wire/errors';
export { FeedClient, FeedFatalError, type FeedClientOptions } from './feed/feedClient';
export { agentFeedDial, v2FeedDial, agentFeedUrl, v2FeedUrl } from './feed/dial';
export { parseV1Frame, parseV2Frame } from './feed/frames';
export { enrichV1Action, enrichV2Action } from './actions/lookups';
export { SeenActions } from './feed/seenActions';
export { type PendingAction, type ActionDetails } from './actions/action';
export { decideAction, approverFromKeys, type DecisionRecord, type DecideInput } from './actions/decide';
export { zkpHeaderSource, type AgentCredentials } from './auth/agentIdentity';
export { registerAgentV1, registerApiKeyV2, RegistrationError, type AgentRegistration, type ApiKeyRegistration } from './registration';
