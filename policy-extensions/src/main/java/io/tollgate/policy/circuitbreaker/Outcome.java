package io.tollgate.policy.circuitbreaker;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.netty.handler.timeout.ReadTimeoutException;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * What became of one call behind a breaker. Only what the upstream did counts: a response
 * the gateway produced itself (a filter's refusal, a validation error, a bug) is
 * {@link #NOT_UPSTREAM} and never moves the breaker, so no client can open an upstream's
 * breaker for everyone with requests the gateway refuses.
 */
enum Outcome {

	/** The upstream answered with a status that is not a failure status. */
	SUCCESS,

	/** The upstream answered with a failure status, or the connection to it failed. */
	FAILURE,

	/** The upstream did not answer in time. */
	TIMEOUT,

	/**
	 * The upstream was not called, or not to blame: the outcome says nothing about it.
	 */
	NOT_UPSTREAM;

	boolean isFailure() {
		return this == FAILURE || this == TIMEOUT;
	}

	/** Classifies a call that completed (no error). */
	static Outcome ofResponse(ServerWebExchange exchange, Set<Integer> failureStatuses) {
		if (exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR) == null) {
			return NOT_UPSTREAM;
		}
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		return status != null && failureStatuses.contains(status.value()) ? FAILURE : SUCCESS;
	}

	/** Classifies a call that ended in an error. */
	static Outcome ofError(Throwable error) {
		// a breaker's own timeout (Reactor's), or the shared client's response timeout
		// (Netty's read timeout between request and response head)
		if (hasCause(error, TimeoutException.class) || hasCause(error, ReadTimeoutException.class)) {
			return TIMEOUT;
		}
		// connection refused or reset, premature close, TLS failure: the upstream (or the
		// way to it)
		if (hasCause(error, IOException.class) || hasCause(error, io.netty.channel.ConnectTimeoutException.class)) {
			return FAILURE;
		}
		return NOT_UPSTREAM;
	}

	private static boolean hasCause(@Nullable Throwable error, Class<? extends Throwable> type) {
		for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

}
