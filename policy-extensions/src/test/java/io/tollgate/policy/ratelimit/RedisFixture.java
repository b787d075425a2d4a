package io.tollgate.policy.ratelimit;

import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tollgate.testsupport.redis.RedisExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A real Redis seen two ways: a Spring template (the production path) and plain Lettuce
 * for inspection.
 */
final class RedisFixture implements AutoCloseable {

	final LettuceConnectionFactory factory;

	final ReactiveStringRedisTemplate template;

	final RedisClient client;

	final StatefulRedisConnection<String, String> connection;

	final RedisCommands<String, String> cmd;

	RedisFixture(String host, int port) {
		factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
		factory.afterPropertiesSet();
		factory.start();
		template = new ReactiveStringRedisTemplate(factory);
		client = RedisClient.create("redis://" + host + ":" + port);
		connection = client.connect();
		cmd = connection.sync();
	}

	static RedisFixture of(RedisExtension redis) {
		return new RedisFixture(redis.host(), redis.port());
	}

	/** The Redis server's clock in milliseconds (the clock the script uses). */
	double nowMillis() {
		List<String> t = cmd.time();
		return Long.parseLong(t.get(0)) * 1000.0 + Long.parseLong(t.get(1)) / 1000.0;
	}

	/**
	 * Sleeps until {@code offsetMillis} after the next multiple of {@code period} on the
	 * Redis clock.
	 */
	void sleepUntilWindowOffset(long period, long offsetMillis) throws InterruptedException {
		double now = nowMillis();
		double next = Math.floor(now / period) * period + period + offsetMillis;
		if (next - now > period) {
			next -= period;
		}
		Thread.sleep(Math.max(0, (long) Math.ceil(next - now)));
	}

	@Override
	public void close() {
		connection.close();
		client.shutdown();
		factory.destroy();
	}

}
