package io.tollgate.gateway.registry;

import java.time.Instant;

import org.springframework.lang.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An {@link AuditEntry} as the Redis store keeps it: one JSON object per entry. Decoding
 * never throws: an entry edited into something else is reported as unreadable.
 */
final class AuditEntryJson {

	private static final JsonMapper JSON = JsonMapper.shared();

	private AuditEntryJson() {
	}

	static String encode(AuditEntry e) {
		ObjectNode node = JSON.createObjectNode();
		node.put("seq", e.seq());
		node.put("at", e.at().toEpochMilli());
		node.put("actor", e.actor());
		node.put("action", e.action());
		node.put("kind", e.kind().path());
		node.put("id", e.id());
		node.put("revision", e.revision());
		node.put("before", e.before());
		node.put("after", e.after());
		node.put("prev", e.prev());
		node.put("hash", e.hash());
		return JSON.writeValueAsString(node);
	}

	/** The entry, or null when the text is not one. */
	@Nullable
	static AuditEntry decode(String text) {
		try {
			JsonNode n = JSON.readTree(text);
			Kind kind = Kind.fromPath(string(n, "kind"));
			if (kind == null || !n.path("seq").canConvertToLong() || !n.path("at").canConvertToLong()
					|| !n.path("revision").canConvertToLong()) {
				return null;
			}
			String actor = string(n, "actor");
			String action = string(n, "action");
			String id = string(n, "id");
			String prev = string(n, "prev");
			String hash = string(n, "hash");
			if (actor == null || action == null || id == null || prev == null || hash == null) {
				return null;
			}
			return new AuditEntry(n.get("seq").asLong(), Instant.ofEpochMilli(n.get("at").asLong()), actor, action,
					kind, id, n.get("revision").asLong(), string(n, "before"), string(n, "after"), prev, hash);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	@Nullable
	private static String string(JsonNode n, String field) {
		JsonNode v = n.get(field);
		return v != null && v.isString() ? v.stringValue() : null;
	}

}
