package io.tollgate.gateway.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ResourceCodec;

/**
 * A small but strict codec for the tests (the real ones come from the apis and consumers
 * work): known fields with types, required fields, unknown fields refused, one unique
 * index, one field redacted in the audit, canonical JSON with sorted keys.
 */
final class TestCodec implements ResourceCodec<TestCodec.Doc> {

	enum Type {

		STRING, STRING_LIST, BOOLEAN, OBJECT, URL

	}

	record Doc(String id, ObjectNode tree) {
	}

	static final Pattern LIMIT = Pattern.compile("\\d+/\\d+(ms|s|m|h|d|mo)");

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
		.build();

	private final Kind kind;

	private final Map<String, Type> fields;

	private final Set<String> required;

	private final String uniqueField;

	private final String uniqueIndex;

	private final String redactedField;

	private TestCodec(Kind kind, Map<String, Type> fields, Set<String> required, String uniqueField, String uniqueIndex,
			String redactedField) {
		this.kind = kind;
		this.fields = fields;
		this.required = required;
		this.uniqueField = uniqueField;
		this.uniqueIndex = uniqueIndex;
		this.redactedField = redactedField;
	}

	static TestCodec plans() {
		Map<String, Type> f = new LinkedHashMap<>();
		f.put("description", Type.STRING);
		f.put("limits", Type.STRING_LIST);
		return new TestCodec(Kind.PLANS, f, Set.of("limits"), null, null, null);
	}

	static TestCodec consumers() {
		Map<String, Type> f = new LinkedHashMap<>();
		f.put("name", Type.STRING);
		f.put("plan", Type.STRING);
		f.put("clientIds", Type.STRING_LIST);
		f.put("contact", Type.STRING);
		return new TestCodec(Kind.CONSUMERS, f, Set.of("name"), "clientIds", "clientId", "contact");
	}

	static TestCodec apis() {
		Map<String, Type> f = new LinkedHashMap<>();
		f.put("name", Type.STRING);
		f.put("version", Type.STRING);
		f.put("basePath", Type.STRING);
		f.put("upstream", Type.URL);
		f.put("stripBasePath", Type.BOOLEAN);
		f.put("status", Type.STRING);
		f.put("auth", Type.OBJECT);
		f.put("rateLimit", Type.OBJECT);
		f.put("circuitBreaker", Type.OBJECT);
		return new TestCodec(Kind.APIS, f, Set.of("basePath", "upstream"), "basePath", "basePath", null);
	}

	@Override
	public Kind kind() {
		return this.kind;
	}

	@Override
	public Parsed<Doc> parse(String id, String json) {
		JsonNode node;
		try {
			node = MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			return Parsed.refused(List.of(new FieldError("", "not JSON")));
		}
		if (!(node instanceof ObjectNode tree)) {
			return Parsed.refused(List.of(new FieldError("", "must be an object")));
		}
		List<FieldError> errors = new ArrayList<>();
		for (String name : tree.propertyNames()) {
			Type type = this.fields.get(name);
			if (type == null) {
				errors.add(new FieldError(name, "unknown field"));
				continue;
			}
			check(name, type, tree.get(name), errors);
		}
		for (String name : this.required) {
			if (!tree.has(name)) {
				errors.add(new FieldError(name, "required"));
			}
		}
		if (this.kind == Kind.PLANS && tree.get("limits") != null && tree.get("limits").isArray()) {
			for (int i = 0; i < tree.get("limits").size(); i++) {
				if (!LIMIT.matcher(tree.get("limits").get(i).asString()).matches()) {
					errors.add(new FieldError("limits[" + i + "]", "not a limit such as 10/1s"));
				}
			}
		}
		if (this.kind == Kind.APIS && tree.has("basePath") && !tree.get("basePath").asString().startsWith("/")) {
			errors.add(new FieldError("basePath", "must start with /"));
		}
		return errors.isEmpty() ? Parsed.ok(new Doc(id, tree)) : Parsed.refused(errors);
	}

	private static void check(String name, Type type, JsonNode value, List<FieldError> errors) {
		boolean ok = switch (type) {
			case STRING -> value.isString();
			case BOOLEAN -> value.isBoolean();
			case OBJECT -> value.isObject();
			case STRING_LIST -> value.isArray() && value.valueStream().allMatch(JsonNode::isString);
			case URL -> value.isString() && absoluteHttp(value.stringValue());
		};
		if (!ok) {
			errors.add(new FieldError(name, "must be " + type.name().toLowerCase().replace('_', ' ')));
		}
	}

	private static boolean absoluteHttp(String s) {
		try {
			URI uri = URI.create(s);
			return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	@Override
	public String canonical(Doc resource) {
		return MAPPER.writeValueAsString(resource.tree());
	}

	@Override
	public Set<String> uniques(Doc resource) {
		if (this.uniqueField == null || !resource.tree().has(this.uniqueField)) {
			return Set.of();
		}
		JsonNode value = resource.tree().get(this.uniqueField);
		Set<String> out = new LinkedHashSet<>();
		if (value.isArray()) {
			value.valueStream().forEach(v -> out.add(this.uniqueIndex + ":" + v.asString()));
		}
		else {
			out.add(this.uniqueIndex + ":" + value.asString());
		}
		return out;
	}

	@Override
	public String redacted(Doc resource) {
		if (this.redactedField == null || !resource.tree().has(this.redactedField)) {
			return canonical(resource);
		}
		ObjectNode copy = resource.tree().deepCopy();
		copy.put(this.redactedField, "<redacted>");
		return MAPPER.writeValueAsString(copy);
	}

	@Override
	public String toString() {
		return "TestCodec[" + this.kind.path() + "]";
	}

}
