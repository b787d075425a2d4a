package io.tollgate.gateway.registry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.springframework.lang.Nullable;

/**
 * A managed API as validated by {@link ApiCodec}: the {@code apis} document of the Admin
 * API, with defaults filled in.
 *
 * @param id the resource id ({@code [a-z0-9][a-z0-9-]{0,62}})
 * @param name its display name
 * @param version its version label, null when none
 * @param basePath where it is served: {@code /} or segments without a trailing slash
 * @param upstream where requests go: an absolute http(s) URI without query, fragment or
 * user info; its path, if any, is put before the forwarded path
 * @param stripBasePath whether the base path is removed before forwarding
 * @param status its lifecycle status
 * @param auth who may call it
 * @param rateLimit its limits, null when not limited
 * @param circuitBreaker its shared circuit breaker, null when none
 * @param deprecatedAt when it is (or will be) deprecated, null when not set
 * @param sunsetAt when it goes away, null when not set
 * @param successor the id of the API that replaces it, null when none
 */
public record ApiDefinition(String id, String name, @Nullable String version, String basePath, URI upstream,
		boolean stripBasePath, Status status, Auth auth, @Nullable RateLimit rateLimit,
		@Nullable CircuitBreaker circuitBreaker, @Nullable Instant deprecatedAt, @Nullable Instant sunsetAt,
		@Nullable String successor) {

	/** The route id its per-route policy state (rate-limit metrics, endpoint) uses. */
	public String routeId() {
		return "api:" + this.id;
	}

	/** Whether the gateway answers for it at all (drafts are not served). */
	public boolean served() {
		return this.status != Status.DRAFT;
	}

	/** Lifecycle status. */
	public enum Status {

		/** Being prepared: not served (404 as for any unknown path). */
		DRAFT,

		/** Served. */
		PUBLISHED,

		/** Served, with Deprecation, Sunset and Link headers. */
		DEPRECATED,

		/** Answers 410 Gone. */
		RETIRED;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** How callers authenticate. */
	public enum AuthMode {

		/** Anyone. */
		PUBLIC("public"),

		/** A validated JWT (plus the scopes). */
		JWT("jwt"),

		/** An API key of a consumer ({@code X-API-Key}). */
		API_KEY("api-key"),

		/** Either; the scopes apply to JWT callers. */
		JWT_OR_API_KEY("jwt-or-api-key");

		private final String wireName;

		AuthMode(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

		public boolean acceptsJwt() {
			return this == JWT || this == JWT_OR_API_KEY;
		}

		@Nullable
		static AuthMode fromWire(String text) {
			for (AuthMode m : values()) {
				if (m.wireName.equals(text)) {
					return m;
				}
			}
			return null;
		}

	}

	/**
	 * @param mode how callers authenticate
	 * @param scopes scopes a JWT must grant, all of them (empty: none)
	 */
	public record Auth(AuthMode mode, List<String> scopes) {

		public Auth {
			scopes = List.copyOf(scopes);
		}

	}

	/**
	 * Either the calling consumer's plan ({@code fromPlan}) or the API's own limits.
	 *
	 * @param fromPlan whether the consumer's plan gives the limits (budget
	 * {@code plan:<planId>}, key {@code consumer})
	 * @param limits own limits in {@code ClusterRateLimit} syntax (empty with fromPlan)
	 * @param key what a caller is (own limits): as {@code ClusterRateLimit}'s {@code key}
	 * @param algorithm gcra, sliding-window or fixed-window (own limits)
	 * @param cost units one request consumes (own limits)
	 * @param onStoreFailure local, allow or deny
	 * @param legacyHeaders also send the {@code X-RateLimit-*} headers
	 */
	public record RateLimit(boolean fromPlan, List<String> limits, String key, String algorithm, long cost,
			String onStoreFailure, boolean legacyHeaders) {

		public RateLimit {
			limits = List.copyOf(limits);
		}

	}

	/**
	 * A {@code SharedCircuitBreaker}'s settings; null values come from
	 * {@code tollgate.circuit-breakers.<name>}, then from the defaults.
	 *
	 * @param name the breaker's name, null for the API's id
	 * @param failureRateThreshold percent of failures that opens it
	 * @param slowCallRateThreshold percent of slow calls that opens it
	 * @param slowCallDuration calls longer than this are slow
	 * @param slidingWindow the window of outcomes (whole seconds)
	 * @param minimumCalls calls before the rates count
	 * @param waitInOpen time open before trial calls
	 * @param halfOpenCalls trial calls in half-open
	 * @param failureStatuses upstream statuses counted as failures
	 * @param timeout upstream response timeout
	 * @param fallbackUri {@code forward:/path} used when open or failing
	 */
	public record CircuitBreaker(@Nullable String name, @Nullable Float failureRateThreshold,
			@Nullable Float slowCallRateThreshold, @Nullable Duration slowCallDuration,
			@Nullable Duration slidingWindow, @Nullable Integer minimumCalls, @Nullable Duration waitInOpen,
			@Nullable Integer halfOpenCalls, @Nullable List<Integer> failureStatuses, @Nullable Duration timeout,
			@Nullable String fallbackUri) {

		public CircuitBreaker {
			failureStatuses = failureStatuses == null ? null : List.copyOf(failureStatuses);
		}

	}

}
