package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ResourceCodec;

/**
 * {@code keys}:
 * {@code {"consumer": "acme", "prefix": "tg_AbC1234", "keyHash": "<64 hex>", "name":
 * "ci", "createdAt": "...", "expiresAt": "..."}}. Written only by {@link ApiKeyService};
 * read back (and validated again) by every replica. The unique value
 * {@code keyHash:<hex>} lets a replica find a key by its HMAC; the audit sees the record
 * without its hash.
 */
public final class ApiKeyRecordCodec implements ResourceCodec<ApiKeyRecord> {

	/** The unique index of key hashes. */
	public static final String KEY_HASH_INDEX = "keyHash";

	private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

	private static final Set<String> FIELDS = Set.of("consumer", "prefix", "keyHash", "name", "createdAt", "expiresAt");

	@Override
	public Kind kind() {
		return Kind.KEYS;
	}

	@Override
	public Parsed<ApiKeyRecord> parse(String id, String json) {
		List<FieldError> errors = new ArrayList<>();
		if (!StrictJson.validId(id)) {
			errors.add(new FieldError("id", "must match [a-z0-9][a-z0-9-]{0,62}"));
		}
		StrictJson.Fields fields = StrictJson.object(json, FIELDS, errors);
		if (fields == null) {
			return Parsed.refused(errors);
		}
		String consumer = fields.string("consumer", true, 63);
		if (consumer != null && !StrictJson.validId(consumer)) {
			errors.add(new FieldError("consumer", "must be a consumer id"));
		}
		String prefix = fields.string("prefix", true, 64);
		if (prefix != null && !ApiKeyFormat.validDisplayPrefix(prefix)) {
			errors.add(new FieldError("prefix", "must be 'tg_' and 7 base62 characters"));
		}
		String hash = fields.string("keyHash", true, 64);
		if (hash != null && !HASH.matcher(hash).matches()) {
			errors.add(new FieldError("keyHash", "must be 64 lower-case hex digits"));
		}
		String name = fields.string("name", false, 200);
		Instant createdAt = fields.instant("createdAt", true);
		Instant expiresAt = fields.instant("expiresAt", false);
		if (!errors.isEmpty()) {
			return Parsed.refused(errors);
		}
		return Parsed.ok(new ApiKeyRecord(id, consumer, prefix, hash, name, createdAt, expiresAt));
	}

	@Override
	public String canonical(ApiKeyRecord key) {
		return StrictJson.write(node(key, true));
	}

	@Override
	public Set<String> uniques(ApiKeyRecord key) {
		return Set.of(KEY_HASH_INDEX + ":" + key.keyHash());
	}

	/** Without the hash: nothing in the audit or an export can be matched to a key. */
	@Override
	public String redacted(ApiKeyRecord key) {
		return StrictJson.write(node(key, false));
	}

	private static ObjectNode node(ApiKeyRecord key, boolean withHash) {
		ObjectNode node = StrictJson.newObject();
		node.put("consumer", key.consumer());
		node.put("prefix", key.prefix());
		if (withHash) {
			node.put("keyHash", key.keyHash());
		}
		if (key.name() != null) {
			node.put("name", key.name());
		}
		node.put("createdAt", key.createdAt().toString());
		if (key.expiresAt() != null) {
			node.put("expiresAt", key.expiresAt().toString());
		}
		return node;
	}

}
