package io.tollgate.gateway.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Spring Security for the gateway: nothing on the request path. The request firewall's
 * rules are judged once per request by Tollgate's {@code RequestFramingWebFilter} (see
 * {@code RequestFirewall}), before any other filter, so Spring Security's own firewall is
 * the no-op one: its wrapper re-validated every header on every read. Bearer tokens are
 * authenticated by Tollgate's {@code BearerTokenWebFilter} (Spring Security's decoder,
 * validators and challenges, without a security context or an authentication object per
 * request), and which routes need a caller is decided per route after routing by
 * {@code RouteAuthenticationFilter} (secure unless the route's metadata says
 * {@code public: true}). The one chain declared here matches no request: it keeps Spring
 * Boot from adding its default login chain.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class GatewaySecurityConfiguration {

	/**
	 * The request firewall runs earlier, in one pass ({@code RequestFirewall}); a second
	 * one here would only repeat it per header read.
	 */
	@Bean
	static ServerWebExchangeFirewall tollgateFirewallJudgedEarlier() {
		return ServerWebExchangeFirewall.INSECURE_NOOP;
	}

	@Bean
	SecurityWebFilterChain tollgateSecurityWebFilterChain(ServerHttpSecurity http) {
		return http.securityMatcher(exchange -> ServerWebExchangeMatcher.MatchResult.notMatch())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.build();
	}

}
