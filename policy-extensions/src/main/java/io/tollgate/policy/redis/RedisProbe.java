package io.tollgate.policy.redis;

import java.time.Duration;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A time-bounded PING of the configured Redis, run for health checks and in the
 * background, that logs each outage once when it starts and once when it ends.
 */
public final class RedisProbe implements InitializingBean, DisposableBean {

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final Duration timeout;

	private final Duration interval;

	private final OutageLog outage = new OutageLog("Redis");

	private volatile Disposable background;

	public RedisProbe(ReactiveRedisConnectionFactory connectionFactory, Duration timeout, Duration interval) {
		this.connectionFactory = connectionFactory;
		this.timeout = timeout;
		this.interval = interval;
	}

	/** Emits the PING reply, or an error after at most the timeout. */
	public Mono<String> ping() {
		return Mono
			.usingWhen(Mono.fromSupplier(connectionFactory::getReactiveConnection), ReactiveRedisConnection::ping,
					ReactiveRedisConnection::closeLater)
			.timeout(timeout)
			.doOnNext(reply -> outage.succeeded())
			.doOnError(ex -> outage.failed(ex, "policies that need Redis use their configured fallback"));
	}

	public boolean isDown() {
		return outage.isDown();
	}

	@Override
	public void afterPropertiesSet() {
		if (!interval.isZero() && !interval.isNegative()) {
			background = Flux.interval(interval, interval, Schedulers.parallel())
				.onBackpressureDrop()
				.concatMap(tick -> ping().onErrorResume(ex -> Mono.empty()), 1)
				.subscribe();
		}
	}

	@Override
	public void destroy() {
		Disposable d = background;
		if (d != null) {
			d.dispose();
		}
	}

}
