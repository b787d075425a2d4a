package io.tollgate.gateway.consumer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.policy.ratelimit.Limit;
import io.tollgate.policy.ratelimit.LimitParser;

/**
 * {@code plans}: {@code {"description": "...", "limits": ["10/1s", "10000/1mo"]}}. Each
 * limit is one {@code ClusterRateLimit} limit ({@code COUNT/DURATION}, durations
 * {@code 500ms}, {@code 1s}, {@code 10m}, {@code 1h}, {@code 1d} or calendar months
 * {@code Nmo}); no two limits may be the same.
 */
public final class PlanCodec implements ResourceCodec<Plan> {

	static final int MAX_LIMITS = 16;

	private static final Set<String> FIELDS = Set.of("description", "limits");

	@Override
	public Kind kind() {
		return Kind.PLANS;
	}

	@Override
	public Parsed<Plan> parse(String id, String json) {
		List<FieldError> errors = new ArrayList<>();
		if (!StrictJson.validId(id)) {
			errors.add(new FieldError("id", "must match [a-z0-9][a-z0-9-]{0,62}"));
		}
		StrictJson.Fields fields = StrictJson.object(json, FIELDS, errors);
		if (fields == null) {
			return Parsed.refused(errors);
		}
		String description = fields.string("description", false, 1024);
		List<String> texts = fields.strings("limits", true, MAX_LIMITS, 64, false);
		List<String> limits = new ArrayList<>(texts.size());
		Set<String> names = new HashSet<>();
		for (int i = 0; i < texts.size(); i++) {
			String field = "limits[" + i + "]";
			if (texts.get(i) == null) {
				continue;
			}
			try {
				Limit limit = LimitParser.parseOne(texts.get(i).trim());
				if (!names.add(limit.name())) {
					errors.add(new FieldError(field, "the limit " + limit + " is listed twice"));
				}
				limits.add(limit.toString());
			}
			catch (IllegalArgumentException ex) {
				errors.add(new FieldError(field, ex.getMessage()));
			}
		}
		if (errors.isEmpty() && limits.isEmpty()) {
			errors.add(new FieldError("limits", "at least one limit such as '100/1s' is required"));
		}
		return errors.isEmpty() ? Parsed.ok(new Plan(description, limits)) : Parsed.refused(errors);
	}

	@Override
	public String canonical(Plan plan) {
		ObjectNode node = StrictJson.newObject();
		if (plan.description() != null) {
			node.put("description", plan.description());
		}
		ArrayNode limits = node.putArray("limits");
		plan.limits().forEach(limits::add);
		return StrictJson.write(node);
	}

}
