/**
 * The package's public entry: the n8n node and credential classes, and the protocol core (also on its own as
 * `n8n-nodes-qredo/core`). n8n itself loads only the files in package.json `n8n`.
 */
export { Qredo } from './nodes/Qredo/Qredo.node';
export { QredoTrigger } from './nodes/QredoTrigger/QredoTrigger.node';
export { QredoApproval } from './nodes/QredoApproval/QredoApproval.node';
export { QredoApi } from './credentials/QredoApi.credentials';
export { QredoApproverApi } from './credentials/QredoApproverApi.credentials';

export * from './lib';
