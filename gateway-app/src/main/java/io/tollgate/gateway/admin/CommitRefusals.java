package io.tollgate.gateway.admin;

import java.util.List;

import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.Write;

/**
 * Turns a refused commit into the problem the caller gets: 412 for a precondition, 404
 * for a missing resource, 409 for a unique value held by another resource (naming the
 * field and the holder).
 */
final class CommitRefusals {

	private final ResourceStore store;

	CommitRefusals(ResourceStore store) {
		this.store = store;
	}

	/** The problem for a refused commit of {@code writes}. */
	Mono<ManagementProblem> problem(Commit commit, List<Write> writes, String fieldPrefix) {
		Write write = commit.rejectedWrite() >= 0 && commit.rejectedWrite() < writes.size()
				? writes.get(commit.rejectedWrite()) : null;
		String what = write == null ? "the resource" : write.kind().path() + " '" + write.id() + "'";
		Commit.Reason reason = commit.reason() == null ? Commit.Reason.CONFLICT : commit.reason();
		return switch (reason) {
			case PRECONDITION_FAILED -> Mono.just(Preconditions.failed(what + " changed in the meantime"));
			case NOT_FOUND -> Mono.just(AdminProblems.notFound("No " + what));
			case CONFLICT -> conflict(commit.detail(), write, fieldPrefix);
		};
	}

	/** 409 when another resource holds one of {@code write}'s unique values. */
	Mono<ManagementProblem> conflict(String unique, Write write, String fieldPrefix) {
		if (unique == null) {
			return Mono.just(new ManagementProblem(409, "Conflict", "A unique value is already taken"));
		}
		return this.store.findByUnique(unique)
			.map(holder -> conflictWith(unique, holder, fieldPrefix))
			.defaultIfEmpty(conflictWith(unique, null, fieldPrefix));
	}

	/** The first unique value of the write that another resource holds, if any. */
	Mono<ManagementProblem> firstTaken(Kind kind, String id, Iterable<String> uniques, String fieldPrefix) {
		return reactor.core.publisher.Flux.fromIterable(uniques)
			.concatMap(unique -> this.store.findByUnique(unique)
				.filter(holder -> holder.kind() != kind || !holder.id().equals(id))
				.map(holder -> conflictWith(unique, holder, fieldPrefix)))
			.next();
	}

	static ManagementProblem conflictWith(String unique, StoredResource holder, String fieldPrefix) {
		int colon = unique.indexOf(':');
		String index = colon < 0 ? unique : unique.substring(0, colon);
		String value = colon < 0 ? "" : unique.substring(colon + 1);
		String detail = "'" + value + "' is already used"
				+ (holder == null ? "" : " by " + holder.kind().path() + " '" + holder.id() + "'");
		return new ManagementProblem(409, "Conflict", index + ": " + detail,
				List.of(new FieldError(fieldPrefix + index, detail)));
	}

}
