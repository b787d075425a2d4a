package io.tollgate.gateway.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A codec for {@code plans} as issue #8 specifies them ({@code {"description": "...",
 * "limits": ["10/1s"]}}, unknown fields refused), for the registry's tests until the real
 * codecs are merged; every document the tests use is valid or invalid for both alike.
 */
public final class TestPlanCodec implements ResourceCodec<TestPlanCodec.Plan> {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern LIMIT = Pattern.compile("[1-9][0-9]*/[1-9][0-9]*(ms|s|m|h|d|mo)");

	/** A parsed plan. */
	public record Plan(String id, String description, List<String> limits) {
	}

	@Override
	public Kind kind() {
		return Kind.PLANS;
	}

	@Override
	public Parsed<Plan> parse(String id, String json) {
		JsonNode root;
		try {
			root = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			return Parsed.refused(List.of(new FieldError("", "not JSON")));
		}
		if (!root.isObject()) {
			return Parsed.refused(List.of(new FieldError("", "must be an object")));
		}
		List<FieldError> errors = new ArrayList<>();
		for (String name : root.propertyNames()) {
			if (!name.equals("description") && !name.equals("limits")) {
				errors.add(new FieldError(name, "unknown field"));
			}
		}
		JsonNode description = root.get("description");
		if (description != null && !description.isString()) {
			errors.add(new FieldError("description", "must be a string"));
		}
		List<String> limits = new ArrayList<>();
		JsonNode l = root.get("limits");
		if (l == null || !l.isArray()) {
			errors.add(new FieldError("limits", "must be an array of limits"));
		}
		else {
			for (int i = 0; i < l.size(); i++) {
				if (!l.get(i).isString() || !LIMIT.matcher(l.get(i).stringValue()).matches()) {
					errors.add(new FieldError("limits[" + i + "]", "not a limit"));
				}
				else {
					limits.add(l.get(i).stringValue());
				}
			}
		}
		if (!errors.isEmpty()) {
			return Parsed.refused(errors);
		}
		return Parsed.ok(new Plan(id, description == null ? "" : description.stringValue(), List.copyOf(limits)));
	}

	@Override
	public String canonical(Plan plan) {
		ObjectNode node = JSON.createObjectNode();
		node.put("description", plan.description());
		node.putPOJO("limits", plan.limits());
		return JSON.writeValueAsString(node);
	}

	/** A valid plan document. */
	public static String plan(String description, String... limits) {
		ObjectNode node = JSON.createObjectNode();
		node.put("description", description);
		var array = node.putArray("limits");
		for (String limit : limits) {
			array.add(limit);
		}
		return JSON.writeValueAsString(node);
	}

}
