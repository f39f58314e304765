/**
 * What a human approver reads: amounts in whole units with the asset's symbol, short addresses, times in UTC, a
 * decision deadline before the action expires, and a one-line summary for a Slack or e-mail message. Pure functions;
 * amounts stay exact (base units can exceed 2^53, so the arithmetic is on decimal strings).
 */
import type { PendingAction } from '../actions/action';

/** "1500000000" with 9 decimals → "1.5"; undefined when the amount is not a whole number of base units. */
export function formatUnits(amount: number | string | undefined, decimals: number): string | undefined {
	if (amount === undefined || !Number.isSafeInteger(decimals) || decimals < 0 || decimals > 36) return undefined;
	const text = typeof amount === 'number' ? (Number.isSafeInteger(amount) ? String(amount) : undefined) : amount.trim();
	if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
	const negative = text.startsWith('-');
	const digits = (negative ? text.slice(1) : text).replace(/^0+(?=\d)/, '').padStart(decimals + 1, '0');
	const whole = digits.slice(0, digits.length - decimals);
	const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
	return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Decimal places from Qredo's asset `scale` when it is given as base units per coin (100000000 → 8). */
export function decimalsFromScale(scale: unknown): number | undefined {
	if (typeof scale !== 'number' || !Number.isSafeInteger(scale) || scale < 1) return undefined;
	const decimals = Math.round(Math.log10(scale));
	return 10 ** decimals === scale ? decimals : undefined;
}

/** 0x84ce2138e54b1852689132fd73ddc4d3973a44b8 → 0x84ce…44b8; short strings stay as they are. */
export function shortAddress(address: string): string {
	return address.length <= 14 ? address : `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** 2026-11-30T14:32:05.000Z → "14:32 UTC" (with the date when it is not today's). */
function clock(ms: number, nowMs: number): string {
	const iso = new Date(ms).toISOString();
	const sameDay = iso.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10);
	return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

export interface HumanView {
	/** the expiry as an ISO 8601 time */
	expiresAtIso: string;
	/** the time by which a human must have answered: expiry minus the margin (ISO 8601), never in the past of "now" */
	decisionDeadline: string;
	decisionDeadlineInSeconds: number;
	/** "1.5 ETH", or null when the asset's decimals are unknown (then `amountDisplayNote` says so) */
	amountDisplay: string | null;
	feesDisplay: string | null;
	netAmountDisplay: string | null;
	amountDisplayNote: string | null;
	/** "withdraw 1.5 ETH from Treasury to 0x84ce…44b8, expires 14:32 UTC" */
	summary: string;
}

export interface HumanViewOptions {
	/** decimal places of the action's asset, when known */
	decimals?: number;
	/** seconds before expiry by which a human decision must be in; default 60 */
	decisionMarginSeconds?: number;
	nowMs: number;
}

export function humanView(action: PendingAction, options: HumanViewOptions): HumanView {
	const details = action.details;
	const margin = options.decisionMarginSeconds ?? 60;
	const deadlineMs = Math.max(options.nowMs, (action.expiresAt - margin) * 1000);
	const decimals = options.decimals ?? details?.scale;
	const symbol = details?.asset;
	const show = (value: number | string | undefined) => {
		if (value === undefined || decimals === undefined) return null;
		const units = formatUnits(value, decimals);
		return units === undefined ? null : `${units}${symbol ? ` ${symbol}` : ''}`;
	};
	const amountDisplay = show(details?.amount);
	const note =
		details?.amount === undefined
			? action.details
				? 'the action names no amount'
				: 'no details: amount unknown'
			: amountDisplay === null
				? `decimals of ${symbol ?? 'the asset'} unknown: the amount is in base units`
				: null;
	const what = details?.type ?? action.type;
	const amountText = amountDisplay ?? (details?.amount !== undefined ? `${details.amount} base units of ${symbol ?? 'an unknown asset'}` : 'an unknown amount');
	const from = details?.walletName ?? details?.fundName ?? details?.walletId ?? details?.fundId;
	const to = details?.recipientName ?? (details?.address ? shortAddress(details.address) : details?.recipientWalletId);
	const summary = `${what} ${amountText}${from ? ` from ${from}` : ''}${to ? ` to ${to}` : ''}, expires ${clock(action.expiresAt * 1000, options.nowMs)}`;
	return {
		expiresAtIso: new Date(action.expiresAt * 1000).toISOString(),
		decisionDeadline: new Date(deadlineMs).toISOString(),
		decisionDeadlineInSeconds: Math.max(0, Math.round((deadlineMs - options.nowMs) / 1000)),
		amountDisplay,
		feesDisplay: show(details?.fees),
		netAmountDisplay: show(details?.netAmount),
		amountDisplayNote: note,
		summary,
	};
}
