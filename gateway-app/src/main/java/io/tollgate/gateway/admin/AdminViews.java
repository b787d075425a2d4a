package io.tollgate.gateway.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.lang.Nullable;

import io.tollgate.gateway.consumer.KeyInfo;

/**
 * The bodies the Admin API reads and writes, as records: serialized with Jackson and
 * described in the OpenAPI document from the same types.
 */
final class AdminViews {

	private AdminViews() {
	}

	@Schema(description = "An RFC 9457 problem")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Problem(String type, String title, int status, @Nullable String detail, @Nullable String instance,
			@Nullable @Schema(description = "The offending fields") List<ProblemField> errors) {
	}

	record ProblemField(@Schema(description = "JSON path of the field, e.g. auth.mode or limits[1]") String field,
			String detail) {
	}

	@Schema(description = "One page of a kind, by id")
	record Page(List<ResourceItem> items,
			@Nullable @Schema(description = "Opaque cursor of the next page; absent on the last page") String next) {
	}

	record ResourceItem(String id, @Schema(description = "Revision of its last write (its ETag)") long revision,
			@Schema(type = "object", description = "The resource document, as GET returns it") Object resource) {
	}

	@Schema(description = "What a write would do (nothing was changed)")
	record DryRun(boolean dryRun, @Schema(allowableValues = {
			"create", "replace", "unchanged", "delete", "issue-key", "revoke-key", "rotate-key" }) String action,
			String kind, String id,
			@Nullable @Schema(type = "object", description = "The document as it would be stored") Object resource){
	}

	@Schema(description = "Optional body of POST .../keys")
	record KeyRequest(@Nullable @Schema(maxLength = 200) String name,
			@Nullable @Schema(description = "RFC 3339; in the future") Instant expiresAt) {
	}

	@Schema(description = "Optional body of POST .../keys/{keyId}/rotate")
	record RotateRequest(@Nullable @Schema(description = "How long the old key keeps working: 24h, 30m, 0s, PT12H",
			defaultValue = "24h") String overlap) {
	}

	@Schema(description = "A new key: the only answer that ever shows its secret")
	record IssuedKeyView(String id, @Schema(description = "The secret key, tg_...") String key, String prefix,
			@Nullable String name, Instant createdAt, @Nullable Instant expiresAt) {
	}

	record KeyList(List<KeyInfo> items) {
	}

	record AuditPage(List<AuditItem> items) {
	}

	record AuditItem(long seq, Instant at, @Schema(description = "The admin token's sub") String actor, String action,
			String kind, String id, long revision,
			@Nullable @Schema(type = "object", description = "State before, secrets redacted") Object before,
			@Nullable @Schema(type = "object", description = "State after, secrets redacted") Object after,
			String hash) {
	}

	record Status(@Schema(description = "The store's global revision") long revision, List<ReplicaStatus> replicas) {
	}

	record ReplicaStatus(String id,
			@Nullable @Schema(description = "The revision the replica has applied (null: not reported)") Long revision,
			@Nullable @Schema(description = "0 when the replica has the global revision; else milliseconds since "
					+ "the oldest revision it lacks was committed") Long lagMillis) {
	}

	@Schema(description = "Every plan, consumer and API, by id (never keys)")
	record ConfigDocument(@Schema(type = "object") Map<String, Object> plans,
			@Schema(type = "object") Map<String, Object> consumers, @Schema(type = "object") Map<String, Object> apis) {
	}

	@Schema(description = "What applying a configuration document changes, per kind")
	record ConfigDiff(boolean dryRun,
			@Schema(description = "Revision after the apply (dry run: the current one)") long revision,
			Map<String, List<String>> created, Map<String, List<String>> replaced, Map<String, List<String>> deleted) {
	}

}
