package io.tollgate.policy.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.DefaultEventLoopGroupProvider;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.springframework.beans.factory.DisposableBean;

/**
 * Lettuce's I/O event loops, kept until its client resources have shut down.
 * <p>
 * Lettuce frees a client's event loops as soon as the client closes, while the shared
 * resources' timer still holds the handshake timeout of every connection attempt of the
 * last {@code spring.data.redis.timeout} (one per attempt while Redis is down: a refused
 * connect never completes its handshake). Each such timeout then closes its channel on a
 * terminated loop, and Netty logs a {@code RejectedExecutionException} at ERROR while the
 * gateway stops. Kept here, the loops outlive the client; the resources stop their timer
 * (dropping those timeouts) when they shut down, and only then are the loops shut down,
 * by this bean, which the resources were built with and so are destroyed before.
 */
public final class LettuceEventLoops implements EventLoopGroupProvider, DisposableBean {

	private static final Duration QUIET_PERIOD = Duration.ofMillis(100);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

	private final DefaultEventLoopGroupProvider delegate;

	public LettuceEventLoops(int threads) {
		this.delegate = new DefaultEventLoopGroupProvider(threads);
	}

	@Override
	public <T extends EventLoopGroup> T allocate(Class<T> type) {
		return this.delegate.allocate(type);
	}

	@Override
	public int threadPoolSize() {
		return this.delegate.threadPoolSize();
	}

	/** A closing client does not end the loops; {@link #destroy()} does. */
	@Override
	public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
		return ImmediateEventExecutor.INSTANCE.newSucceededFuture(Boolean.TRUE);
	}

	@Override
	public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
		return this.delegate.shutdown(quietPeriod, timeout, unit);
	}

	@Override
	public void destroy() {
		shutdown(QUIET_PERIOD.toMillis(), SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

}
