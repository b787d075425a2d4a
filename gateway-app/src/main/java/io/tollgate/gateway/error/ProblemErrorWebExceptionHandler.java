package io.tollgate.gateway.error;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * Every error the gateway produces itself becomes an RFC 9457 problem: no stack traces,
 * no exception class names, no internal addresses. Runs before Spring Boot's default
 * handler.
 */
@Component
@Order(-2)
public class ProblemErrorWebExceptionHandler implements ErrorWebExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemErrorWebExceptionHandler.class);

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		HttpStatusCode status;
		String detail;
		if (ex instanceof ResponseStatusException rse) {
			status = rse.getStatusCode();
			detail = status.value() == 404 ? "No route matches this request" : rse.getReason();
			if (status.is5xxServerError() && status.value() != 503 && status.value() != 504) {
				detail = null;
			}
		}
		else if (hasCause(ex, TimeoutException.class)) {
			status = HttpStatus.GATEWAY_TIMEOUT;
			detail = "The upstream did not answer in time";
		}
		else if (hasCause(ex, ConnectException.class) || hasCause(ex, io.netty.channel.ConnectTimeoutException.class)) {
			status = HttpStatus.BAD_GATEWAY;
			detail = "The upstream could not be reached";
		}
		else if (ex.getClass().getName().startsWith("reactor.netty.http.client.PrematureCloseException")) {
			status = HttpStatus.BAD_GATEWAY;
			detail = "The upstream closed the connection";
		}
		else {
			status = HttpStatus.INTERNAL_SERVER_ERROR;
			detail = null;
		}
		if (status.is5xxServerError()) {
			log.warn("{} {} failed with {}: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath().value(), status.value(), ex.toString());
		}
		exchange.getResponse().getHeaders().clear();
		return ProblemResponses.write(exchange, status, ProblemResponses.title(status), detail, null);
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
