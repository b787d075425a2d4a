package io.tollgate.gateway.admin;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.support.GatewayInstance;

/**
 * "METHOD path" of every route the management context's router functions serve, read by
 * visiting them (independently of the Admin API's own route table).
 */
final class ServedRoutes {

	private ServedRoutes() {
	}

	static Set<String> of(GatewayInstance gateway) {
		ApplicationContext management = gateway.bean(AdminTestBeans.ManagementContextHolder.class).context.get();
		if (management == null) {
			throw new IllegalStateException("No management child context was seen");
		}
		Set<String> routes = new HashSet<>();
		for (RouterFunction<?> router : management.getBeansOfType(RouterFunction.class).values()) {
			router.accept(new RouterFunctions.Visitor() {
				@Override
				public void startNested(RequestPredicate predicate) {
				}

				@Override
				public void endNested(RequestPredicate predicate) {
				}

				@Override
				public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
					Set<String> methods = new HashSet<>();
					String[] path = new String[1];
					predicate.accept(new Parts(methods, path));
					methods.forEach(m -> routes.add(m + " " + path[0]));
				}

				@Override
				public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
				}

				@Override
				public void attributes(java.util.Map<String, Object> attributes) {
				}

				@Override
				public void unknown(RouterFunction<?> routerFunction) {
				}
			});
		}
		return routes;
	}

	private record Parts(Set<String> methods, String[] path) implements RequestPredicates.Visitor {

		@Override
		public void method(Set<org.springframework.http.HttpMethod> methods) {
			methods.forEach(m -> this.methods.add(m.name()));
		}

		@Override
		public void path(String pattern) {
			this.path[0] = pattern;
		}

		@Override
		public void pathExtension(String extension) {
		}

		@Override
		public void header(String name, String value) {
		}

		@Override
		public void queryParam(String name, String value) {
		}

		@Override
		public void version(String version) {
		}

		@Override
		public void startAnd() {
		}

		@Override
		public void and() {
		}

		@Override
		public void endAnd() {
		}

		@Override
		public void startOr() {
		}

		@Override
		public void or() {
		}

		@Override
		public void endOr() {
		}

		@Override
		public void startNegate() {
		}

		@Override
		public void endNegate() {
		}

		@Override
		public void unknown(RequestPredicate predicate) {
		}

	}

}
