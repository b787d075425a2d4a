package io.tollgate.gateway.consumer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ResourceCodec;

/**
 * {@code consumers}: {@code {"name": "...", "plan": "gold", "clientIds":
 * ["partner-app"]}}. Each client id is a unique value ({@code clientId:<value>}), so the
 * store refuses a second consumer claiming it (409). The plan is not looked up here: a
 * consumer naming a plan that does not exist has no plan until one with that id is
 * created ({@link PlanReferences} lets the Admin API warn or refuse).
 */
public final class ConsumerCodec implements ResourceCodec<Consumer> {

	/** The unique index of client ids. */
	public static final String CLIENT_ID_INDEX = "clientId";

	static final int MAX_CLIENT_IDS = 100;

	private static final Set<String> FIELDS = Set.of("name", "plan", "clientIds");

	@Override
	public Kind kind() {
		return Kind.CONSUMERS;
	}

	@Override
	public Parsed<Consumer> parse(String id, String json) {
		List<FieldError> errors = new ArrayList<>();
		if (!StrictJson.validId(id)) {
			errors.add(new FieldError("id", "must match [a-z0-9][a-z0-9-]{0,62}"));
		}
		StrictJson.Fields fields = StrictJson.object(json, FIELDS, errors);
		if (fields == null) {
			return Parsed.refused(errors);
		}
		String name = fields.string("name", false, 200);
		String plan = fields.string("plan", false, 63);
		if (plan != null && !StrictJson.validId(plan)) {
			errors.add(new FieldError("plan", "must be a plan id ([a-z0-9][a-z0-9-]{0,62})"));
		}
		List<String> clientIds = fields.strings("clientIds", false, MAX_CLIENT_IDS, 255, true);
		for (int i = 0; i < clientIds.size(); i++) {
			String c = clientIds.get(i);
			if (c != null && (c.isEmpty() || !c.strip().equals(c))) {
				errors.add(
						new FieldError("clientIds[" + i + "]", "must be non-empty without leading or trailing spaces"));
			}
		}
		return errors.isEmpty() ? Parsed.ok(new Consumer(name, plan, List.copyOf(clientIds))) : Parsed.refused(errors);
	}

	@Override
	public String canonical(Consumer consumer) {
		ObjectNode node = StrictJson.newObject();
		if (consumer.name() != null) {
			node.put("name", consumer.name());
		}
		if (consumer.plan() != null) {
			node.put("plan", consumer.plan());
		}
		ArrayNode ids = node.putArray("clientIds");
		consumer.clientIds().forEach(ids::add);
		return StrictJson.write(node);
	}

	@Override
	public Set<String> uniques(Consumer consumer) {
		Set<String> out = new LinkedHashSet<>();
		for (String c : consumer.clientIds()) {
			out.add(CLIENT_ID_INDEX + ":" + c);
		}
		return out;
	}

}
