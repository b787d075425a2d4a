package io.tollgate.gateway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * Puts the request's trace id on the exchange, before Spring Security and routing, so
 * every problem body the gateway writes carries it ({@code traceId}).
 */
final class TraceIdWebFilter implements WebFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map(context -> (TracingObservationHandler.TracingContext) context
				.get(TracingObservationHandler.TracingContext.class))
			.map(TracingObservationHandler.TracingContext::getSpan)
			.map(Span::context)
			.ifPresent(trace -> exchange.getAttributes().put(ProblemResponses.TRACE_ID_ATTRIBUTE, trace.traceId()));
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 100;
	}

}
