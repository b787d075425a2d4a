package io.tollgate.gateway.registry;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;

/**
 * Resources found in the store that the Admin API's rules refuse (written to Redis by
 * someone else): each is skipped, logged at ERROR with its errors, and counted in
 * {@code tollgate.management.invalid} (tag {@code kind}).
 */
public final class InvalidResources {

	private static final Logger log = LoggerFactory.getLogger(InvalidResources.class);

	@Nullable
	private final MeterRegistry registry;

	public InvalidResources(@Nullable MeterRegistry registry) {
		this.registry = registry;
	}

	void report(StoredResource resource, List<FieldError> errors) {
		log.error("Skipping invalid {} '{}' at revision {} from the store: {}", resource.kind().path(), resource.id(),
				resource.revision(), errors);
		if (this.registry != null) {
			Counter.builder("tollgate.management.invalid")
				.description("Managed resources from the store refused by validation and not applied")
				.tag("kind", resource.kind().path())
				.register(this.registry)
				.increment();
		}
	}

}
