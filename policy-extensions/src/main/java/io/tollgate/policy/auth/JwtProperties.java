package io.tollgate.policy.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Tollgate's JWT hardening on top of Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*} (which still names the issuer, the
 * JWKS URI, the audiences and the algorithms).
 */
@ConfigurationProperties("tollgate.security.jwt")
public class JwtProperties {

	/**
	 * Allowed clock difference for {@code exp} and {@code nbf} (Spring Security's default
	 * is 60 s).
	 */
	private Duration clockSkew = Duration.ofSeconds(30);

	/** Tokens longer than this many characters are rejected before any parsing. */
	private int maxTokenLength = 8192;

	/**
	 * Tokens whose header or payload JSON nests deeper than this are rejected before
	 * parsing.
	 */
	private int maxJsonDepth = 16;

	/**
	 * Shortest time between two JWKS fetches caused by an unknown {@code kid}: a flood of
	 * random kids costs one fetch.
	 */
	private Duration jwksRefreshCooldown = Duration.ofSeconds(30);

	/**
	 * Time between attempts while no JWKS could be fetched yet (identity provider down at
	 * start).
	 */
	private Duration jwksRetryInterval = Duration.ofSeconds(1);

	/**
	 * Age after which the JWKS is refetched in the background; cached keys keep
	 * validating meanwhile and if the fetch fails.
	 */
	private Duration jwksMaxAge = Duration.ofMinutes(10);

	/** Timeout of one JWKS or discovery request. */
	private Duration jwksTimeout = Duration.ofSeconds(5);

	/**
	 * Accepted values of the JOSE {@code typ} header (compared ignoring case); a token
	 * without {@code typ} is accepted.
	 */
	private List<String> allowedTypes = new ArrayList<>(List.of("JWT", "at+jwt", "application/at+jwt"));

	/** Cache of validated tokens. */
	private final Cache cache = new Cache();

	public Duration getClockSkew() {
		return clockSkew;
	}

	public void setClockSkew(Duration clockSkew) {
		this.clockSkew = clockSkew;
	}

	public int getMaxTokenLength() {
		return maxTokenLength;
	}

	public void setMaxTokenLength(int maxTokenLength) {
		this.maxTokenLength = maxTokenLength;
	}

	public int getMaxJsonDepth() {
		return maxJsonDepth;
	}

	public void setMaxJsonDepth(int maxJsonDepth) {
		this.maxJsonDepth = maxJsonDepth;
	}

	public Duration getJwksRefreshCooldown() {
		return jwksRefreshCooldown;
	}

	public void setJwksRefreshCooldown(Duration jwksRefreshCooldown) {
		this.jwksRefreshCooldown = jwksRefreshCooldown;
	}

	public Duration getJwksRetryInterval() {
		return jwksRetryInterval;
	}

	public void setJwksRetryInterval(Duration jwksRetryInterval) {
		this.jwksRetryInterval = jwksRetryInterval;
	}

	public Duration getJwksMaxAge() {
		return jwksMaxAge;
	}

	public void setJwksMaxAge(Duration jwksMaxAge) {
		this.jwksMaxAge = jwksMaxAge;
	}

	public Duration getJwksTimeout() {
		return jwksTimeout;
	}

	public void setJwksTimeout(Duration jwksTimeout) {
		this.jwksTimeout = jwksTimeout;
	}

	public List<String> getAllowedTypes() {
		return allowedTypes;
	}

	public void setAllowedTypes(List<String> allowedTypes) {
		this.allowedTypes = allowedTypes;
	}

	public Cache getCache() {
		return cache;
	}

	public static class Cache {

		/**
		 * Whether validated tokens are cached (until their {@code exp}, at most
		 * {@code max-ttl}).
		 */
		private boolean enabled = true;

		/** Maximum number of cached tokens. */
		private long maxSize = 10_000;

		/** Longest time a validated token stays cached, whatever its {@code exp}. */
		private Duration maxTtl = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public long getMaxSize() {
			return maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getMaxTtl() {
			return maxTtl;
		}

		public void setMaxTtl(Duration maxTtl) {
			this.maxTtl = maxTtl;
		}

	}

}
