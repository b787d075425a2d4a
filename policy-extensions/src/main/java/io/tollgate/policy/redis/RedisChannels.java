package io.tollgate.policy.redis;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Pub/sub for every Tollgate feature. A subscription survives Redis outages: it is made
 * again after each failure, and {@code onSubscribed} runs each time it is in place, so
 * the subscriber can resync what it may have missed meanwhile.
 */
public final class RedisChannels {

	private static final Logger log = LoggerFactory.getLogger(RedisChannels.class);

	private final ReactiveRedisConnectionFactory connectionFactory;

	public RedisChannels(ReactiveRedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/** The messages of one channel, for as long as the returned flux is subscribed. */
	public Flux<String> messages(String channel, Runnable onSubscribed) {
		// the container connects in its constructor: off the caller's thread, and again
		// after each failure
		return Flux.usingWhen(
				Mono.fromCallable(() -> new ReactiveRedisMessageListenerContainer(this.connectionFactory))
					.subscribeOn(Schedulers.boundedElastic()),
				container -> container.receiveLater(ChannelTopic.of(channel)).flatMapMany(messages -> {
					onSubscribed.run();
					return messages;
				}).map(message -> message.getMessage()), ReactiveRedisMessageListenerContainer::destroyLater)
			.doOnError(error -> log.debug("Subscription to '{}' failed, subscribing again: {}", channel,
					OutageLog.describe(error)))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)));
	}

}
