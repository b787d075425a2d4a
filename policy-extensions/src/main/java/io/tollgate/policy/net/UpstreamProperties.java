package io.tollgate.policy.net;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Timeouts of every call to an upstream, set once on the gateway's shared HTTP client.
 * Spring Cloud Gateway's own
 * {@code spring.cloud.gateway.server.webflux.httpclient.connect-timeout} and
 * {@code .response-timeout} do the same, but they are applied again on every request (a
 * copy of the client's configuration and a timer on another thread each time); these cost
 * nothing per request.
 */
@ConfigurationProperties("tollgate.upstream")
public class UpstreamProperties {

	/** Time allowed to open a connection to an upstream. */
	private Duration connectTimeout = Duration.ofSeconds(2);

	/**
	 * Time allowed between sending a request upstream and receiving its response head; an
	 * upstream that does not answer in time gets 504 problem+json and counts as a timeout
	 * for its breaker. A route's own {@code response-timeout} metadata or
	 * {@code SharedCircuitBreaker} timeout overrides it.
	 */
	private Duration responseTimeout = Duration.ofSeconds(30);

	public Duration getConnectTimeout() {
		return connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getResponseTimeout() {
		return responseTimeout;
	}

	public void setResponseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

}
