package io.tollgate.gateway.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** API keys of consumers ({@code tollgate.api-keys.*}). */
@ConfigurationProperties("tollgate.api-keys")
public class ApiKeysProperties {

	static final String SECRET_PROPERTY = "tollgate.api-keys.secret";

	/** Shortest secret accepted: as many bytes as the HMAC-SHA-256 output. */
	static final int MIN_SECRET_BYTES = 32;

	/**
	 * Server secret keying the HMAC-SHA-256 under which keys are stored and looked up (at
	 * least 32 bytes, e.g. 'openssl rand -base64 48'); the same on every replica. No
	 * default: without it, API keys are disabled (every key is refused with 401, the key
	 * endpoints answer 503). Changing it invalidates every issued key.
	 */
	private String secret;

	/**
	 * Most lookups per second in the store (one Redis round trip each) for well-formed
	 * keys this replica does not know; beyond, such keys are refused at once. Bounds what
	 * a flood of random keys with valid checksums costs.
	 */
	private int lookupsPerSecond = 100;

	/** Keys found in the store before this replica applied them. */
	private final Cache cache = new Cache(10_000, Duration.ofMinutes(1));

	/** Hashes the store does not know, so a repeated unknown key costs no lookup. */
	private final Cache negativeCache = new Cache(10_000, Duration.ofSeconds(30));

	/**
	 * How often at most a key's last use is written to the store, per replica (its first
	 * use is written within about a second).
	 */
	private Duration lastUsedInterval = Duration.ofMinutes(1);

	public String getSecret() {
		return this.secret;
	}

	public void setSecret(String secret) {
		this.secret = secret;
	}

	public int getLookupsPerSecond() {
		return this.lookupsPerSecond;
	}

	public void setLookupsPerSecond(int lookupsPerSecond) {
		this.lookupsPerSecond = lookupsPerSecond;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Cache getNegativeCache() {
		return this.negativeCache;
	}

	public Duration getLastUsedInterval() {
		return this.lastUsedInterval;
	}

	public void setLastUsedInterval(Duration lastUsedInterval) {
		this.lastUsedInterval = lastUsedInterval;
	}

	/** The secret, or null when none is configured (blank counts as none). */
	String validatedSecret() {
		if (this.secret == null || this.secret.isBlank()) {
			return null;
		}
		int bytes = this.secret.getBytes(StandardCharsets.UTF_8).length;
		if (bytes < MIN_SECRET_BYTES) {
			// never the value itself: it is a secret even when too short
			throw new ApiKeySecretException("it has " + bytes + " bytes and must have at least " + MIN_SECRET_BYTES);
		}
		return this.secret;
	}

	void validate() {
		if (this.lookupsPerSecond < 1) {
			throw new InvalidConfigurationPropertyValueException("tollgate.api-keys.lookups-per-second",
					this.lookupsPerSecond, "must be at least 1");
		}
		this.cache.validate("tollgate.api-keys.cache");
		this.negativeCache.validate("tollgate.api-keys.negative-cache");
		if (this.lastUsedInterval == null || this.lastUsedInterval.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidConfigurationPropertyValueException("tollgate.api-keys.last-used-interval",
					this.lastUsedInterval, "must be at least 1s");
		}
	}

	/** A bounded local cache. */
	public static class Cache {

		/** Most entries kept. */
		private long maxSize;

		/** How long an entry is kept. */
		private Duration ttl;

		Cache(long maxSize, Duration ttl) {
			this.maxSize = maxSize;
			this.ttl = ttl;
		}

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		void validate(String prefix) {
			if (this.maxSize < 1) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".max-size", this.maxSize,
						"must be at least 1");
			}
			if (this.ttl == null || this.ttl.isNegative() || this.ttl.isZero()) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".ttl", this.ttl, "must be positive");
			}
		}

	}

}
