package io.tollgate.gateway.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Actuator write operations ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}
 * under the actuator base path, such as forcing a circuit breaker) need a token with
 * {@code tollgate:admin}; reads (health, info, prometheus, ...) stay open. Each allowed
 * write is logged with the token's subject.
 */
final class ActuatorWriteWebFilter implements WebFilter, Ordered {

	private static final Logger log = LoggerFactory.getLogger(ActuatorWriteWebFilter.class);

	private final AdminAuthorization authorization;

	private final String basePath;

	ActuatorWriteWebFilter(AdminAuthorization authorization, String basePath) {
		this.authorization = authorization;
		this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpMethod method = exchange.getRequest().getMethod();
		if (isRead(method) || !underActuator(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		return this.authorization.authorize(exchange, AdminScope.WRITE, jwt -> {
			log.info("Actuator {} {} by {}", method, exchange.getRequest().getPath().pathWithinApplication().value(),
					jwt.getSubject());
			return chain.filter(exchange);
		});
	}

	private static boolean isRead(HttpMethod method) {
		return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method);
	}

	private boolean underActuator(String path) {
		if (this.basePath.isEmpty()) {
			// actuator at the root of the management server: every write there is one
			return true;
		}
		return path.equals(this.basePath) || path.startsWith(this.basePath + "/");
	}

	@Override
	public int getOrder() {
		return AdminSecurityWebFilter.ORDER;
	}

}
