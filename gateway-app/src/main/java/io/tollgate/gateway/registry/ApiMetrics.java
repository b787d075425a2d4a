package io.tollgate.gateway.registry;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.lang.Nullable;

/**
 * {@code tollgate.api.requests}: one timer per managed API and status class (tags
 * {@code api} = the API's id, {@code status} = 1xx..5xx), registered on first use and
 * removed with the API. Never a consumer or path tag: per-consumer figures come from the
 * usage endpoint.
 */
public final class ApiMetrics {

	public static final String REQUESTS = "tollgate.api.requests";

	@Nullable
	private final MeterRegistry registry;

	public ApiMetrics(@Nullable MeterRegistry registry) {
		this.registry = registry;
	}

	/** The meters of one API. */
	Meters forApi(String apiId) {
		return new Meters(apiId);
	}

	/** Removes every meter of an API that is gone. */
	void remove(String apiId) {
		if (this.registry == null) {
			return;
		}
		for (Meter m : this.registry.find(REQUESTS).tag("api", apiId).meters()) {
			this.registry.remove(m);
		}
	}

	/** The timers of one API, by status class. */
	final class Meters {

		private final String apiId;

		private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(5);

		private volatile boolean closed;

		private Meters(String apiId) {
			this.apiId = apiId;
		}

		void record(int status, long nanos) {
			if (ApiMetrics.this.registry == null || this.closed) {
				return;
			}
			int index = Math.min(5, Math.max(1, status / 100)) - 1;
			Timer timer = this.timers.get(index);
			if (timer == null) {
				timer = Timer.builder(REQUESTS)
					.description("Requests to managed APIs by API and status class")
					.tag("api", this.apiId)
					.tag("status", (index + 1) + "xx")
					.register(ApiMetrics.this.registry);
				this.timers.set(index, timer);
			}
			timer.record(nanos, TimeUnit.NANOSECONDS);
		}

		/** Once the API is gone: late requests must not bring its meters back. */
		void close() {
			this.closed = true;
		}

	}

}
