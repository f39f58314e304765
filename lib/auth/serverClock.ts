/**
 * Qredo's clock as this process knows it. Every timestamped signature (Partner API x-timestamp, HMAC, the v2 login,
 * M-Pin x-api-zkp) is checked against a window of about 30 s, so a machine whose clock drifted is refused as if its
 * credentials were wrong. When a refusal carries a Date header that shows our clock off by more than the tolerance,
 * the offset is adopted and the request is signed again: a drifting clock degrades to one extra round trip, never
 * to a stopped trigger.
 */

/** Differences below this are left alone: the Date header has one-second resolution and the network adds more. */
export const CLOCK_SKEW_TOLERANCE_MS = 5000;

let offsetMs = 0;

/** Milliseconds on Qredo's clock, as far as we know it. */
export function serverNowMs(): number {
	return Date.now() + offsetMs;
}

/** The offset in use (Qredo − local), milliseconds. */
export function serverClockOffsetMs(): number {
	return offsetMs;
}

/**
 * How far (seconds, Qredo − the clock we sign with) a Date header says we are off; undefined when the header is
 * absent, unreadable or within the tolerance.
 */
export function clockSkewSeconds(dateHeader: string | undefined, localMs = Date.now()): number | undefined {
	if (dateHeader === undefined || !/^[A-Za-z]{3},/.test(dateHeader.trim())) return undefined;
	const serverMs = Date.parse(dateHeader);
	if (Number.isNaN(serverMs)) return undefined;
	const skewMs = serverMs - (localMs + offsetMs);
	// A Date header is truncated to the second: compare against the middle of that second.
	const centred = skewMs + 500;
	return Math.abs(centred) < CLOCK_SKEW_TOLERANCE_MS ? undefined : Math.round(centred / 1000);
}

/**
 * After a refused (401/403) request: adopts Qredo's clock when its Date header shows ours off beyond the tolerance.
 * Returns the skew corrected, in seconds, or undefined when the clock was not the problem.
 */
export function adoptServerClock(dateHeader: string | undefined, localMs = Date.now()): number | undefined {
	const skew = clockSkewSeconds(dateHeader, localMs);
	if (skew === undefined) return undefined;
	offsetMs += skew * 1000;
	return skew;
}

/** Forgets the offset (tests). */
export function resetServerClock(): void {
	offsetMs = 0;
}
