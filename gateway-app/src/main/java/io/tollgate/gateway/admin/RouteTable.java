package io.tollgate.gateway.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The routes of a {@link RouterFunction}, read by visiting it: method, path pattern and
 * the {@link AdminOperation} attached to each.
 */
final class RouteTable {

	private RouteTable() {
	}

	record Route(HttpMethod method, String path, @Nullable AdminOperation operation) {
	}

	static List<Route> of(RouterFunction<?> router) {
		Collector collector = new Collector();
		router.accept(collector);
		return List.copyOf(collector.routes);
	}

	private static final class Collector implements RouterFunctions.Visitor {

		final List<Route> routes = new ArrayList<>();

		@Nullable
		private AdminOperation pending;

		@Override
		public void attributes(Map<String, Object> attributes) {
			this.pending = (AdminOperation) attributes.get(AdminOperation.ATTRIBUTE);
		}

		@Override
		public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
			PredicateParts parts = new PredicateParts();
			predicate.accept(parts);
			if (parts.path == null || parts.methods.isEmpty()) {
				throw new IllegalStateException("An Admin API route needs a method and a path: " + predicate);
			}
			for (HttpMethod method : parts.methods) {
				this.routes.add(new Route(method, parts.path, this.pending));
			}
			this.pending = null;
		}

		@Override
		public void startNested(RequestPredicate predicate) {
			throw new IllegalStateException("Nested Admin API routes are not expected: " + predicate);
		}

		@Override
		public void endNested(RequestPredicate predicate) {
		}

		@Override
		public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
		}

		@Override
		public void unknown(RouterFunction<?> routerFunction) {
		}

	}

	private static final class PredicateParts implements RequestPredicates.Visitor {

		final Set<HttpMethod> methods = new HashSet<>();

		@Nullable
		String path;

		@Override
		public void method(Set<HttpMethod> methods) {
			this.methods.addAll(methods);
		}

		@Override
		public void path(String pattern) {
			this.path = pattern;
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
