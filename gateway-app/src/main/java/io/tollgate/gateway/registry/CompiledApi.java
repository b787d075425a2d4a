package io.tollgate.gateway.registry;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * One managed API ready to serve: its definition, the filters built from it once (rate
 * limit, breaker), its lifecycle header values and its meters. Immutable but for the plan
 * limiters it builds on demand.
 */
final class CompiledApi {

	/** IMF-fixdate (RFC 9110): always two-digit days, unlike RFC_1123_DATE_TIME. */
	private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private final ApiDefinition definition;

	private final Set<String> scopes;

	/** The rate limiter: own limits, the consumer's plan, or null. */
	@Nullable
	private final GatewayFilter rateLimit;

	@Nullable
	private final GatewayFilter breaker;

	@Nullable
	private final String failure;

	@Nullable
	private final String deprecation;

	@Nullable
	private final String sunset;

	private final ApiMetrics.Meters meters;

	private final String upstreamPath;

	CompiledApi(ApiDefinition definition, @Nullable GatewayFilter rateLimit, @Nullable GatewayFilter breaker,
			ApiMetrics.Meters meters, @Nullable String failure) {
		this.definition = definition;
		this.scopes = Set.copyOf(definition.auth().scopes());
		this.rateLimit = rateLimit;
		this.breaker = breaker;
		this.meters = meters;
		this.failure = failure;
		this.deprecation = definition.deprecatedAt() == null ? null : "@" + definition.deprecatedAt().getEpochSecond();
		this.sunset = definition.sunsetAt() == null ? null : httpDate(definition.sunsetAt());
		String path = definition.upstream().getRawPath();
		this.upstreamPath = path == null ? "" : path;
	}

	static String httpDate(Instant instant) {
		return HTTP_DATE.format(instant);
	}

	ApiDefinition definition() {
		return this.definition;
	}

	String id() {
		return this.definition.id();
	}

	String basePath() {
		return this.definition.basePath();
	}

	Set<String> scopes() {
		return this.scopes;
	}

	/** Why this API cannot be served here (it answers 503), null when it can. */
	@Nullable
	String failure() {
		return this.failure;
	}

	@Nullable
	String deprecationHeader() {
		return this.deprecation;
	}

	@Nullable
	String sunsetHeader() {
		return this.sunset;
	}

	ApiMetrics.Meters meters() {
		return this.meters;
	}

	@Nullable
	ApiPlanLimits planLimits() {
		return this.rateLimit instanceof ApiPlanLimits p ? p : null;
	}

	/**
	 * The route ids whose per-route state this API holds: {@code api:<id>} for its rate
	 * limiter, {@code api:<id>:breaker} for its breaker, so dropping one releases it.
	 */
	Set<String> routeIds() {
		Set<String> ids = new HashSet<>();
		if (this.rateLimit != null) {
			ids.add(this.definition.routeId());
		}
		if (this.breaker != null) {
			ids.add(breakerRouteId(this.definition));
		}
		return ids;
	}

	/** The route ids an API will hold once compiled (to protect them while it is). */
	static Set<String> routeIdsOf(ApiDefinition api) {
		Set<String> ids = new HashSet<>();
		if (api.status() == ApiDefinition.Status.RETIRED) {
			return ids;
		}
		if (api.rateLimit() != null) {
			ids.add(api.routeId());
		}
		if (api.circuitBreaker() != null) {
			ids.add(breakerRouteId(api));
		}
		return ids;
	}

	static String breakerRouteId(ApiDefinition api) {
		return api.routeId() + ":breaker";
	}

	/**
	 * The upstream URL of a request: the upstream's scheme, host and port, its path, then
	 * the request's path (without the base path when stripped) and query, raw.
	 */
	URI upstreamUrl(ServerWebExchange exchange, int consumedElements) {
		ServerHttpRequest request = exchange.getRequest();
		URI uri = request.getURI();
		PathContainer path = request.getPath().pathWithinApplication();
		String rest;
		if (this.definition.stripBasePath()) {
			rest = consumedElements >= path.elements().size() ? "" : path.subPath(consumedElements).value();
		}
		else {
			rest = path.value();
		}
		String full = this.upstreamPath + rest;
		if (full.isEmpty()) {
			full = "/";
		}
		URI upstream = this.definition.upstream();
		boolean encoded = ServerWebExchangeUtils.containsEncodedParts(uri);
		return UriComponentsBuilder.fromUri(uri)
			.scheme(upstream.getScheme())
			.host(upstream.getHost())
			.port(upstream.getPort())
			.replacePath(full)
			.build(encoded)
			.toUri();
	}

	/** Runs the rate limiter and the breaker, then the rest of the gateway's chain. */
	Mono<Void> limitAndCall(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (this.rateLimit == null) {
			return this.breaker == null ? chain.filter(exchange) : this.breaker.filter(exchange, chain);
		}
		if (this.breaker == null) {
			return this.rateLimit.filter(exchange, chain);
		}
		GatewayFilter breakerFilter = this.breaker;
		return this.rateLimit.filter(exchange, e -> breakerFilter.filter(e, chain));
	}

	@Override
	public String toString() {
		return "ManagedApi[" + this.definition.id() + " " + this.definition.basePath() + " -> "
				+ this.definition.upstream() + ", "
				+ List.of(this.definition.status().wireName(), this.definition.auth().mode().wireName()) + "]";
	}

}
