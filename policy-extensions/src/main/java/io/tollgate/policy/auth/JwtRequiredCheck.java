package io.tollgate.policy.auth;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Fails the startup when a configured route requires an authenticated caller (no
 * {@code public: true} metadata) and no JWT decoder exists: such a route would answer
 * every request with 401, however good its token, and nothing would say why. Another
 * enabled {@link CallerAuthentication} (API keys) can authenticate callers instead.
 */
public final class JwtRequiredCheck implements SmartInitializingSingleton {

	static final String ISSUER_URI_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

	static final String JWK_SET_URI_PROPERTY = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

	static final String ROUTES_PROPERTY = "spring.cloud.gateway.server.webflux.routes";

	private static final URI PROBE_URI = URI.create("http://127.0.0.1");

	private final ObjectProvider<ReactiveJwtDecoder> decoder;

	private final ObjectProvider<GatewayProperties> gateway;

	private final ObjectProvider<CallerAuthentication> others;

	public JwtRequiredCheck(ObjectProvider<ReactiveJwtDecoder> decoder, ObjectProvider<GatewayProperties> gateway,
			ObjectProvider<CallerAuthentication> others) {
		this.decoder = decoder;
		this.gateway = gateway;
		this.others = others;
	}

	@Override
	public void afterSingletonsInstantiated() {
		GatewayProperties properties = gateway.getIfAvailable();
		if (properties == null || decoder.getIfAvailable() != null
				|| others.orderedStream().anyMatch(CallerAuthentication::enabled)) {
			return;
		}
		List<String> secured = new ArrayList<>();
		List<RouteDefinition> routes = properties.getRoutes();
		for (int i = 0; i < routes.size(); i++) {
			RouteDefinition route = routes.get(i);
			if (!isPublic(route)) {
				secured.add("'" + route.getId() + "' (" + ROUTES_PROPERTY + "[" + i + "])");
			}
		}
		if (!secured.isEmpty()) {
			throw new JwtNotConfiguredException(secured,
					others.orderedStream().map(CallerAuthentication::howToEnable).toList());
		}
	}

	/**
	 * Asks {@link RouteAuthenticationFilter#isPublic}, the rule applied per request, so
	 * the check and the filter cannot disagree; the probe route carries only the
	 * metadata.
	 */
	private static boolean isPublic(RouteDefinition definition) {
		Route probe = Route.async()
			.id("startup-check")
			.uri(PROBE_URI)
			.metadata(definition.getMetadata())
			.predicate(exchange -> true)
			.build();
		return RouteAuthenticationFilter.isPublic(probe);
	}

}
