package io.tollgate.gateway.observability;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.lang.Nullable;

/**
 * {@code tollgate.tracing.incoming-context=replace}: reads no trace context from a
 * request, so every request starts a new trace at the gateway; what the gateway sends
 * upstream is unchanged.
 */
final class IgnoringIncomingPropagator implements Propagator {

	private final Propagator delegate;

	IgnoringIncomingPropagator(Propagator delegate) {
		this.delegate = delegate;
	}

	@Override
	public List<String> fields() {
		return this.delegate.fields();
	}

	@Override
	public <C> void inject(TraceContext context, @Nullable C carrier, Setter<C> setter) {
		this.delegate.inject(context, carrier, setter);
	}

	@Override
	public <C> Span.Builder extract(C carrier, Getter<C> getter) {
		return this.delegate.extract(carrier, (c, key) -> null);
	}

}
