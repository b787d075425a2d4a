package io.tollgate.gateway.registry;

import java.util.Set;

import org.springframework.lang.Nullable;

/**
 * One resource to put or delete within a {@link Batch}.
 *
 * @param kind what it is
 * @param id its id
 * @param json its new canonical JSON, or null to delete it
 * @param precondition what must hold before
 * @param uniques values no other resource may hold ({@code "<index>:<value>"}, e.g.
 * {@code basePath:/shop/v1}); replace the resource's previous set (ignored for a delete,
 * which frees them)
 * @param auditBefore what the audit shows as the state before (secrets redacted), null
 * when none
 * @param auditAfter what the audit shows as the state after (secrets redacted), null when
 * none
 */
public record Write(Kind kind, String id, @Nullable String json, Precondition precondition, Set<String> uniques,
		@Nullable String auditBefore, @Nullable String auditAfter) {

	public Write {
		uniques = Set.copyOf(uniques);
	}

	public static Write put(Kind kind, String id, String json, Precondition precondition, Set<String> uniques,
			@Nullable String auditBefore, String auditAfter) {
		return new Write(kind, id, json, precondition, uniques, auditBefore, auditAfter);
	}

	public static Write delete(Kind kind, String id, Precondition precondition, @Nullable String auditBefore) {
		return new Write(kind, id, null, precondition, Set.of(), auditBefore, null);
	}

	public static Write delete(Kind kind, String id, Precondition precondition) {
		return delete(kind, id, precondition, null);
	}

	public boolean isDelete() {
		return this.json == null;
	}

}
