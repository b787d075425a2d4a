package io.tollgate.policy.ratelimit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Global settings of the {@code ClusterRateLimit} filters. */
@ConfigurationProperties("tollgate.ratelimit")
public class RateLimitProperties {

	/**
	 * A Redis call slower than this counts as a store failure and the request is decided
	 * by the fallback.
	 */
	private Duration timeout = Duration.ofMillis(50);

	/**
	 * Consecutive store failures after which the limiter stops calling Redis for
	 * {@code backoff}.
	 */
	private int failureThreshold = 3;

	/**
	 * How long the limiter stays off Redis after {@code failure-threshold} failures
	 * before probing again (at most 1s).
	 */
	private Duration backoff = Duration.ofMillis(500);

	/**
	 * How often each replica refreshes its heartbeat in Redis (at most 5s); the heartbeat
	 * also probes a broken store.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(1);

	/** How long a replica counts as live after its last heartbeat. */
	private Duration heartbeatExpiry = Duration.ofSeconds(15);

	/**
	 * Maximum number of keys the in-memory fallback limiter keeps (least recently used
	 * are dropped).
	 */
	private long localMaxKeys = 100_000;

	/** This replica's id in the heartbeat set; a random id when empty. */
	private String replicaId = "";

	public Duration getTimeout() {
		return timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getFailureThreshold() {
		return failureThreshold;
	}

	public void setFailureThreshold(int failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public Duration getBackoff() {
		return backoff;
	}

	public void setBackoff(Duration backoff) {
		this.backoff = backoff;
	}

	public Duration getHeartbeatInterval() {
		return heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getHeartbeatExpiry() {
		return heartbeatExpiry;
	}

	public void setHeartbeatExpiry(Duration heartbeatExpiry) {
		this.heartbeatExpiry = heartbeatExpiry;
	}

	public long getLocalMaxKeys() {
		return localMaxKeys;
	}

	public void setLocalMaxKeys(long localMaxKeys) {
		this.localMaxKeys = localMaxKeys;
	}

	public String getReplicaId() {
		return replicaId;
	}

	public void setReplicaId(String replicaId) {
		this.replicaId = replicaId;
	}

	/** Fails startup on settings that would break the guarantees of the limiter. */
	void validate() {
		require(timeout != null && !timeout.isNegative() && !timeout.isZero(),
				"tollgate.ratelimit.timeout must be > 0");
		require(failureThreshold >= 1, "tollgate.ratelimit.failure-threshold must be >= 1");
		require(backoff != null && !backoff.isNegative() && backoff.compareTo(Duration.ofSeconds(1)) <= 0,
				"tollgate.ratelimit.backoff must be between 0 and 1s (the store is probed at least once a second)");
		require(heartbeatInterval != null && !heartbeatInterval.isNegative() && !heartbeatInterval.isZero()
				&& heartbeatInterval.compareTo(Duration.ofSeconds(5)) <= 0,
				"tollgate.ratelimit.heartbeat-interval must be between 0 and 5s");
		require(heartbeatExpiry != null && heartbeatExpiry.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
				"tollgate.ratelimit.heartbeat-expiry must be at least twice heartbeat-interval");
		require(localMaxKeys >= 1, "tollgate.ratelimit.local-max-keys must be >= 1");
	}

	private static void require(boolean ok, String message) {
		if (!ok) {
			throw new IllegalArgumentException(message);
		}
	}

}
