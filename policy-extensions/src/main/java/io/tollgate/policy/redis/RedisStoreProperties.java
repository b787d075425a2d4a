package io.tollgate.policy.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * How Tollgate talks to its Redis: one timeout for every call, and when the store counts
 * as down ({@code tollgate.redis.*}). Connection settings stay Spring Boot's
 * ({@code spring.data.redis.*}).
 */
@ConfigurationProperties("tollgate.redis")
public class RedisStoreProperties {

	/**
	 * Longest wait for the background PING and for Tollgate's background calls (breaker
	 * sync, heartbeat, management stores). A decision on a request's path waits for Redis
	 * as long as Redis counts as up, bounded by Spring's
	 * {@code spring.data.redis.timeout}.
	 */
	private Duration timeout = Duration.ofMillis(500);

	/**
	 * Failed calls in a row, or probes in a row that did not answer within the timeout,
	 * after which Redis counts as down and policies use their fallbacks.
	 */
	private int failureThreshold = 3;

	/**
	 * Interval of the background PING. It is the only thing that brings a store counted
	 * as down back (requests never probe), so shared state resumes within about this long
	 * after Redis answers again.
	 */
	private Duration probeInterval = Duration.ofSeconds(1);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getFailureThreshold() {
		return this.failureThreshold;
	}

	public void setFailureThreshold(int failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public Duration getProbeInterval() {
		return this.probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

	/** Fails startup with a message naming the property. */
	void validate() {
		require(positive(this.timeout), "tollgate.redis.timeout",
				"tollgate.redis.timeout must be a positive duration, got " + this.timeout);
		require(this.failureThreshold >= 1, "tollgate.redis.failure-threshold",
				"tollgate.redis.failure-threshold must be at least 1, got " + this.failureThreshold);
		require(positive(this.probeInterval) && this.probeInterval.compareTo(Duration.ofSeconds(10)) <= 0,
				"tollgate.redis.probe-interval",
				"tollgate.redis.probe-interval must be between 0 and 10s, got " + this.probeInterval);
	}

	private static boolean positive(Duration d) {
		return d != null && !d.isNegative() && !d.isZero();
	}

	private static void require(boolean ok, String property, String message) {
		if (!ok) {
			throw TollgateConfigurationException.property(property, message);
		}
	}

}
