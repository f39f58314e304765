/**
 * Approve/Reject notes each decision in the execution's custom data, which n8n returns to the main process with the
 * execution's end even in queue mode, where the main receives no node output (run data) from the worker. The Qredo
 * Trigger reads it to tell a decided action from one the workflow left alone.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

/** Custom data key (n8n allows letters, digits and underscores); the value is "actionId=outcome …", ≤ 255 characters. */
export const DECISIONS_KEY = 'qredoDecisions';
const MAX_VALUE_LENGTH = 255;

export function noteDecision(customData: IExecuteFunctions['customData'], actionId: string, outcome: string): void {
	const entry = `${actionId}=${outcome}`;
	const previous = (customData.get(DECISIONS_KEY) ?? '').split(' ').filter((part) => part !== '' && !part.startsWith(`${actionId}=`));
	// Newest last; the oldest go when the value would be too long (the trigger's own action is decided last).
	const parts = [...previous, entry];
	while (parts.length > 1 && parts.join(' ').length > MAX_VALUE_LENGTH) parts.shift();
	if (entry.length <= MAX_VALUE_LENGTH) customData.set(DECISIONS_KEY, parts.join(' '));
}

/** The outcome an execution's custom data notes for the action, if any. */
export function notedDecision(metadata: Record<string, string> | undefined, actionId: string): string | undefined {
	for (const part of (metadata?.[DECISIONS_KEY] ?? '').split(' ')) {
		const separator = part.lastIndexOf('=');
		if (separator > 0 && part.slice(0, separator) === actionId) return part.slice(separator + 1);
	}
	return undefined;
}
