/**
 * A promise with a deadline. Node code races the feed against a deadline in several places; the timer lives here, in
 * the protocol core, so that node code uses no timer globals (n8n's scanner rule; the README lists where lib/ does).
 */

/** `work`'s outcome, or `onDeadline()`'s once `ms` have passed, whichever comes first; the timer ends with `work`. */
export async function withDeadline<T, U>(work: Promise<T>, ms: number, onDeadline: () => U): Promise<T | U> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<U>((resolve, reject) => {
		timer = setTimeout(() => {
			try {
				resolve(onDeadline());
			} catch (error) {
				reject(error);
			}
		}, ms);
	});
	try {
		return await Promise.race([work, deadline]);
	} finally {
		clearTimeout(timer);
	}
}
