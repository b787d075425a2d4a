package io.tollgate.policy.http;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Every web filter of the data port, run as one: Spring's {@code DefaultWebFilterChain}
 * adds a Reactor checkpoint to each filter's result on every request, named by
 * concatenating the filter's class name (a string, a snapshot and an operator per filter
 * and request, for assembly traces that only a debugger reads). Here the filters run in
 * the same order, each deferred until subscribed exactly as there, with one checkpoint
 * for the whole chain.
 */
public final class FlatWebFilterChain implements WebFilter {

	private final WebFilter[] filters;

	/** The links of the last chain continuation seen; the continuation is fixed. */
	private volatile Links links;

	public FlatWebFilterChain(List<WebFilter> filters) {
		this.filters = filters.toArray(WebFilter[]::new);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Links current = this.links;
		if (current == null || current.tail != chain) {
			current = new Links(this.filters, chain);
			this.links = current;
		}
		return current.first.filter(exchange);
	}

	/** The filters in order. */
	public List<WebFilter> filters() {
		return List.of(this.filters);
	}

	private static final class Links {

		final WebFilterChain tail;

		final WebFilterChain first;

		Links(WebFilter[] filters, WebFilterChain tail) {
			this.tail = tail;
			WebFilterChain next = tail;
			for (int i = filters.length - 1; i >= 0; i--) {
				next = new Link(filters[i], next);
			}
			this.first = next;
		}

	}

	private record Link(WebFilter filter, WebFilterChain next) implements WebFilterChain {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			return Mono.defer(() -> this.filter.filter(exchange, this.next));
		}

	}

}
