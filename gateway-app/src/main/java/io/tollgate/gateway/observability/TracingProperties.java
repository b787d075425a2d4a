package io.tollgate.gateway.observability;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Tracing with OpenTelemetry ({@code tollgate.tracing.*}). The exporter, sampling and
 * propagation are Spring Boot's ({@code management.opentelemetry.tracing.export.otlp.*},
 * {@code management.tracing.sampling.probability},
 * {@code management.tracing.propagation.*}).
 */
@ConfigurationProperties("tollgate.tracing")
public class TracingProperties {

	/**
	 * Whether requests are traced: a server span per request, a client span per upstream
	 * call with W3C traceparent propagated to the upstream, the trace id in log lines and
	 * problem bodies. Off: no observation is made per request.
	 */
	private boolean enabled;

	/**
	 * What to do with a trace context a client sends (traceparent): honour (the gateway's
	 * spans join the client's trace, and its sampling decision) or replace (every request
	 * starts a new trace at the gateway; clients cannot choose trace ids or force
	 * sampling).
	 */
	private IncomingContext incomingContext = IncomingContext.HONOUR;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public IncomingContext getIncomingContext() {
		return this.incomingContext;
	}

	public void setIncomingContext(IncomingContext incomingContext) {
		this.incomingContext = incomingContext;
	}

	/** A client's trace context: joined or ignored. */
	public enum IncomingContext {

		HONOUR, REPLACE

	}

}
