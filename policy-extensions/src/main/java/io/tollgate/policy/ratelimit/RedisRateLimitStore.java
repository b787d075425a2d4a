package io.tollgate.policy.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The shared store: one EVALSHA of ratelimit.lua per request, time taken from the Redis
 * server.
 */
public final class RedisRateLimitStore implements RateLimitStore {

	/** Classpath location of the script (packaged from redis/lua). */
	public static final String SCRIPT_LOCATION = "META-INF/tollgate/lua/ratelimit.lua";

	@SuppressWarnings("rawtypes")
	private final RedisScript<List> script;

	private final ReactiveStringRedisTemplate redis;

	public RedisRateLimitStore(ReactiveStringRedisTemplate redis) {
		this.redis = redis;
		this.script = RedisScript.of(loadScript(SCRIPT_LOCATION), List.class);
	}

	/**
	 * Reads a packaged script once. A resource-backed script would check the resource's
	 * modification time (a jar lookup) on every call to compute its SHA-1, i.e. on every
	 * request.
	 */
	static String loadScript(String location) {
		try {
			return new ClassPathResource(location).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + location + " from the classpath", ex);
		}
	}

	@Override
	public Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey) {
		int limits = policy.limits().size();
		// the multi-bulk reply arrives as one List element
		return redis.execute(script, policy.keys(callerKey), policy.scriptArgs())
			.next()
			.map(reply -> RateLimitDecision.fromScript(reply, limits, RateLimitDecision.Source.SHARED));
	}

}
