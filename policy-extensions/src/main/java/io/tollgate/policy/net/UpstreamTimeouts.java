package io.tollgate.policy.net;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.config.HttpClientCustomizer;

/**
 * Sets the upstream connect and response timeouts once, on the shared HTTP client:
 * Reactor Netty enforces them on the connection's own event loop (a read timeout handler
 * between request and response head). The response timeout ends in Netty's
 * {@code ReadTimeoutException}, which Tollgate answers with 504 and counts as a timeout.
 */
public final class UpstreamTimeouts implements HttpClientCustomizer {

	private final Duration connectTimeout;

	private final Duration responseTimeout;

	/** Both positive; a connect timeout beyond {@code Integer.MAX_VALUE} ms is capped. */
	public UpstreamTimeouts(Duration connectTimeout, Duration responseTimeout) {
		this.connectTimeout = connectTimeout;
		this.responseTimeout = responseTimeout;
	}

	@Override
	public HttpClient customize(HttpClient client) {
		return client
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, this.connectTimeout.toMillis()))
			.responseTimeout(this.responseTimeout);
	}

}
