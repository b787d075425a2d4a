package io.tollgate.gateway.admin;

import org.springframework.core.Ordered;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every call under {@code /admin/v1} needs a valid token with the scope its method needs
 * ({@link AdminScope}); the validated token is handed to the handlers as an exchange
 * attribute. Lives in the management context only, so it sees management-port requests
 * only.
 */
final class AdminSecurityWebFilter implements WebFilter, Ordered {

	/** Right after Spring Security's chain (-100), before everything else. */
	static final int ORDER = -99;

	private final AdminAuthorization authorization;

	AdminSecurityWebFilter(AdminAuthorization authorization) {
		this.authorization = authorization;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!isAdminPath(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		AdminScope scope = AdminScope.forMethod(exchange.getRequest().getMethod());
		return this.authorization.authorize(exchange, scope, jwt -> {
			exchange.getAttributes().put(AdminPrincipal.ATTRIBUTE, jwt);
			return chain.filter(exchange);
		});
	}

	static boolean isAdminPath(String path) {
		return path.equals(AdminRouter.BASE) || path.startsWith(AdminRouter.BASE + "/");
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** The token that authorized the call. */
	static final class AdminPrincipal {

		static final String ATTRIBUTE = AdminPrincipal.class.getName();

		private AdminPrincipal() {
		}

		/** Who the audit names: the token's {@code sub}. */
		static String actor(ServerWebExchange exchange) {
			Jwt jwt = exchange.getAttribute(ATTRIBUTE);
			if (jwt == null || jwt.getSubject() == null) {
				// the filter lets nothing through without one
				throw new IllegalStateException("Admin call without an authorized token");
			}
			return jwt.getSubject();
		}

	}

}
