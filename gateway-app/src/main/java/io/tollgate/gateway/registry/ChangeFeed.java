package io.tollgate.gateway.registry;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How replicas learn what changed: the global revision, the changes since one, and
 * announcements.
 */
public interface ChangeFeed {

	/** The current global revision (0 before the first commit). */
	Mono<Long> revision();

	/**
	 * What changed after {@code revision}, or a gap when the feed no longer reaches back
	 * that far.
	 */
	Mono<ChangeSet> changesSince(long revision);

	/** Every resource at one revision. */
	Mono<Snapshot> snapshot();

	/**
	 * Each committed revision, as announced; {@code onSubscribed} runs each time the
	 * subscription is (re)established, so the subscriber can catch up on what it missed.
	 */
	Flux<Long> announcements(Runnable onSubscribed);

}
