package io.tollgate.gateway.registry;

import java.util.List;
import java.util.Set;

/**
 * Reads, validates and writes one kind of resource. The Admin API and the replica sync
 * use the same codec, so what comes from Redis is held to the Admin API's rules.
 *
 * @param <T> the parsed resource
 */
public interface ResourceCodec<T> {

	Kind kind();

	/**
	 * Parses and validates a document for resource {@code id}; the errors name their
	 * fields.
	 */
	Parsed<T> parse(String id, String json);

	/** The canonical JSON of a resource (stable field order), as stored and exported. */
	String canonical(T resource);

	/** The unique values the resource holds ({@code "<index>:<value>"}). */
	default Set<String> uniques(T resource) {
		return Set.of();
	}

	/** What the audit shows of the resource: its canonical JSON with secrets removed. */
	default String redacted(T resource) {
		return canonical(resource);
	}

	/**
	 * A parsed document or why it was refused.
	 *
	 * @param value the resource, null when refused
	 * @param errors why it was refused, empty when parsed
	 * @param <T> the resource type
	 */
	record Parsed<T>(T value, List<FieldError> errors) {

		public static <T> Parsed<T> ok(T value) {
			return new Parsed<>(value, List.of());
		}

		public static <T> Parsed<T> refused(List<FieldError> errors) {
			return new Parsed<>(null, List.copyOf(errors));
		}

		public boolean isValid() {
			return this.errors.isEmpty();
		}

	}

}
