package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.FieldError;

/**
 * Strict reading of the consumer package's documents: a JSON object whose fields are all
 * known, of the expected types, with no value containing an expression marker
 * ({@code #{}, {@code ${}). Nothing read here is ever evaluated; the markers are refused
 * so that no document can smuggle an expression into a system that might.
 */
final class StrictJson {

	/** Ids of managed resources, as the Admin API's paths take them. */
	static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	static final JsonMapper MAPPER = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(
					StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(64 * 1024).build())
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.build())
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private StrictJson() {
	}

	static boolean validId(@Nullable String id) {
		return id != null && ID.matcher(id).matches();
	}

	/**
	 * Parses {@code json} as an object whose fields are among {@code allowed}; reports
	 * anything else in {@code errors} and answers null when it is not an object at all.
	 */
	@Nullable
	static Fields object(@Nullable String json, Set<String> allowed, List<FieldError> errors) {
		if (json == null || json.isBlank()) {
			errors.add(new FieldError("", "a JSON object is required"));
			return null;
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			errors.add(new FieldError("", "not valid JSON: " + ex.getOriginalMessage()));
			return null;
		}
		if (root == null || !root.isObject()) {
			errors.add(new FieldError("", "a JSON object is required"));
			return null;
		}
		for (String name : root.propertyNames()) {
			if (!allowed.contains(name)) {
				errors.add(new FieldError(name, "unknown field"));
			}
		}
		return new Fields((ObjectNode) root, errors);
	}

	/** Refuses a value carrying an expression marker. */
	static boolean expressionFree(String field, String value, List<FieldError> errors) {
		if (value.contains("#{") || value.contains("${")) {
			errors.add(new FieldError(field, "must not contain '#{' or '${'"));
			return false;
		}
		return true;
	}

	/** RFC 3339 date-time (offset required), to the millisecond. */
	static Instant parseInstant(String text) {
		return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
			.toInstant()
			.truncatedTo(ChronoUnit.MILLIS);
	}

	static String write(ObjectNode node) {
		return MAPPER.writeValueAsString(node);
	}

	static ObjectNode newObject() {
		return MAPPER.createObjectNode();
	}

	/** The fields of one parsed object; every accessor reports its own errors. */
	static final class Fields {

		private final ObjectNode node;

		private final List<FieldError> errors;

		Fields(ObjectNode node, List<FieldError> errors) {
			this.node = node;
			this.errors = errors;
		}

		/**
		 * A string of at most {@code maxLength} characters, printable (no control
		 * characters); null when absent or JSON null and not {@code required}.
		 */
		@Nullable
		String string(String name, boolean required, int maxLength) {
			JsonNode value = this.node.get(name);
			if (value == null || value.isNull()) {
				if (required) {
					this.errors.add(new FieldError(name, "is required"));
				}
				return null;
			}
			if (!value.isString()) {
				this.errors.add(new FieldError(name, "must be a string"));
				return null;
			}
			return checked(name, value.stringValue(), maxLength) ? value.stringValue() : null;
		}

		/**
		 * An array of strings (absent or null: empty), each checked like a string, with
		 * duplicates refused when {@code unique}. Entries keep their positions (a refused
		 * entry is null) so later checks name the right index.
		 */
		List<String> strings(String name, boolean required, int maxItems, int maxLength, boolean unique) {
			JsonNode value = this.node.get(name);
			if (value == null || value.isNull()) {
				if (required) {
					this.errors.add(new FieldError(name, "is required"));
				}
				return List.of();
			}
			if (!value.isArray()) {
				this.errors.add(new FieldError(name, "must be an array of strings"));
				return List.of();
			}
			if (value.size() > maxItems) {
				this.errors.add(new FieldError(name, "at most " + maxItems + " entries"));
				return List.of();
			}
			List<String> out = new ArrayList<>(value.size());
			Set<String> seen = new HashSet<>();
			int i = 0;
			for (JsonNode item : value.values()) {
				String field = name + "[" + i++ + "]";
				String text = null;
				if (!item.isString()) {
					this.errors.add(new FieldError(field, "must be a string"));
				}
				else if (checked(field, item.stringValue(), maxLength)) {
					text = item.stringValue();
					if (unique && !seen.add(text)) {
						this.errors.add(new FieldError(field, "duplicate value '" + text + "'"));
					}
				}
				out.add(text);
			}
			return Collections.unmodifiableList(out);
		}

		/** An RFC 3339 date-time; null when absent or null and not required. */
		@Nullable
		Instant instant(String name, boolean required) {
			String text = string(name, required, 64);
			if (text == null) {
				return null;
			}
			try {
				return parseInstant(text);
			}
			catch (DateTimeParseException ex) {
				this.errors.add(new FieldError(name, "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z"));
				return null;
			}
		}

		private boolean checked(String field, String value, int maxLength) {
			if (value.length() > maxLength) {
				this.errors.add(new FieldError(field, "at most " + maxLength + " characters"));
				return false;
			}
			for (int i = 0; i < value.length(); i++) {
				if (Character.isISOControl(value.charAt(i))) {
					this.errors.add(new FieldError(field, "must not contain control characters"));
					return false;
				}
			}
			return expressionFree(field, value, this.errors);
		}

	}

}
