package io.tollgate.policy.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * Global settings of the {@code ClusterRateLimit} filters. How long a Redis call may take
 * and when Redis counts as down are {@code tollgate.redis.*}; replica counting is
 * {@code tollgate.replica.*}.
 */
@ConfigurationProperties("tollgate.ratelimit")
public class RateLimitProperties {

	/**
	 * Maximum number of keys the in-memory fallback limiter keeps (least recently used
	 * are dropped).
	 */
	private long localMaxKeys = 100_000;

	public long getLocalMaxKeys() {
		return this.localMaxKeys;
	}

	public void setLocalMaxKeys(long localMaxKeys) {
		this.localMaxKeys = localMaxKeys;
	}

	/** Fails startup on settings that would break the guarantees of the limiter. */
	void validate() {
		if (this.localMaxKeys < 1) {
			throw TollgateConfigurationException.property("tollgate.ratelimit.local-max-keys",
					"tollgate.ratelimit.local-max-keys must be at least 1, got " + this.localMaxKeys);
		}
	}

}
