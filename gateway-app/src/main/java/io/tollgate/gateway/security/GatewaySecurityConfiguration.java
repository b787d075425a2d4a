package io.tollgate.gateway.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

import io.tollgate.policy.auth.CachingJwtAuthenticationConverter;
import io.tollgate.policy.auth.ProblemBearerEntryPoint;

/**
 * Spring Security for the gateway: stateless bearer-token authentication only. Which
 * routes need a caller is decided per route after routing by
 * {@code RouteAuthenticationFilter} (secure unless the route's metadata says
 * {@code public: true}), so this chain authenticates whenever a token is sent and rejects
 * a bad token with 401, but leaves authorization to the routes.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class GatewaySecurityConfiguration {

	@Bean
	SecurityWebFilterChain tollgateSecurityWebFilterChain(ServerHttpSecurity http,
			ObjectProvider<ReactiveJwtDecoder> jwtDecoder, ProblemBearerEntryPoint entryPoint,
			CachingJwtAuthenticationConverter authenticationConverter) {
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			// upstream responses keep their own caching and security headers
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			// no authorizeExchange: authorization is per route, after routing
			// (RouteAuthenticationFilter),
			// so the chain carries no authorization filter that would only say "permit"
			// on every request
			.exceptionHandling(ex -> ex.authenticationEntryPoint(entryPoint));
		ReactiveJwtDecoder decoder = jwtDecoder.getIfAvailable();
		if (decoder != null) {
			http.oauth2ResourceServer(
					rs -> rs.jwt(jwt -> jwt.jwtDecoder(decoder).jwtAuthenticationConverter(authenticationConverter))
						.authenticationEntryPoint(entryPoint));
		}
		return http.build();
	}

}
