package io.tollgate.gateway.error;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.lang.Nullable;
import org.slf4j.event.Level;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import io.tollgate.policy.http.HttpEdgeProperties;
import io.tollgate.policy.http.ThrottledLog;
import io.tollgate.policy.problem.ProblemResponses;

/**
 * Every error the gateway produces itself becomes an RFC 9457 problem: no stack traces,
 * no exception class names, no internal addresses. Runs before Spring Boot's default
 * handler. Server errors are logged at most once per kind and
 * {@code tollgate.http.refusal-log-interval}, in one line that names the route, never the
 * request's headers.
 */
@Component
@Order(-2)
public class ProblemErrorWebExceptionHandler implements ErrorWebExceptionHandler {

	/**
	 * Errors the gateway answered itself, by kind (bounded: the kinds below and HTTP
	 * statuses).
	 */
	public static final String METER = "tollgate.http.errors";

	private final ThrottledLog log;

	@Nullable
	private final MeterRegistry registry;

	public ProblemErrorWebExceptionHandler(HttpEdgeProperties properties, ObjectProvider<MeterRegistry> registry) {
		this.log = new ThrottledLog(LoggerFactory.getLogger(ProblemErrorWebExceptionHandler.class),
				properties.getRefusalLogInterval());
		this.registry = registry.getIfUnique();
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (serverDone(exchange)) {
			// Reactor Netty has finished this exchange itself: it answered a request
			// body it could not parse (counted and logged by the edge's
			// decoding-failure handler) or the connection is gone. Nothing more can be
			// sent; the error here is only "status and headers already sent".
			return Mono.empty();
		}
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		HttpStatusCode status;
		String detail;
		String kind;
		if (ex instanceof ResponseStatusException rse) {
			status = rse.getStatusCode();
			detail = status.value() == 404 ? "No route matches this request" : rse.getReason();
			if (status.is5xxServerError() && status.value() != 503 && status.value() != 504) {
				detail = null;
			}
			kind = "status-" + status.value();
		}
		else if (hasCause(ex, TimeoutException.class)
				|| hasCause(ex, io.netty.handler.timeout.ReadTimeoutException.class)) {
			status = HttpStatus.GATEWAY_TIMEOUT;
			detail = "The upstream did not answer in time";
			kind = "upstream-timeout";
		}
		else if (hasCause(ex, ConnectException.class) || hasCause(ex, io.netty.channel.ConnectTimeoutException.class)) {
			status = HttpStatus.BAD_GATEWAY;
			detail = "The upstream could not be reached";
			kind = "upstream-unreachable";
		}
		else if (ex.getClass().getName().startsWith("reactor.netty.http.client.PrematureCloseException")) {
			status = HttpStatus.BAD_GATEWAY;
			detail = "The upstream closed the connection";
			kind = "upstream-closed";
		}
		else {
			status = HttpStatus.INTERNAL_SERVER_ERROR;
			detail = null;
			kind = "internal-error";
		}
		if (this.registry != null) {
			this.registry.counter(METER, "kind", kind).increment();
		}
		if (status.is5xxServerError()) {
			HttpStatusCode logged = status;
			log.log(Level.WARN, kind, () -> exchange.getRequest().getMethod() + " on " + route(exchange)
					+ " failed with " + logged.value() + ": " + summary(ex));
		}
		exchange.getResponse().getHeaders().clear();
		return ProblemResponses.write(exchange, status, ProblemResponses.title(status), detail, null);
	}

	private static boolean serverDone(ServerWebExchange exchange) {
		try {
			Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
			return nativeRequest instanceof Connection connection && connection.isDisposed();
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String route(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return route == null ? "no route" : "route " + route.getId();
	}

	/**
	 * The exception's class and message, cut short and printable: enough to diagnose, and
	 * never a dump of what the client sent.
	 */
	static String summary(Throwable ex) {
		String text = ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
		StringBuilder sb = new StringBuilder(Math.min(text.length(), 200));
		for (int i = 0; i < text.length() && sb.length() < 200; i++) {
			char c = text.charAt(i);
			sb.append(c >= 0x20 && c < 0x7f ? c : '?');
		}
		return sb.toString();
	}

	private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

}
