package io.tollgate.gateway.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.consumer.Consumer;
import io.tollgate.gateway.consumer.ConsumerKeys;
import io.tollgate.gateway.consumer.PlanReferences;
import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.Snapshot;
import io.tollgate.gateway.registry.Write;

/**
 * What one resource's write means for the others: a consumer names a plan that exists; a
 * plan a consumer still names is not deleted; a deleted consumer takes its API keys with
 * it, in the same commit (a consumer created later with that id must not inherit them).
 * Without the consumers' beans there are no rules.
 */
final class ReferenceRules {

	@Nullable
	private final PlanReferences plans;

	@Nullable
	private final ConsumerKeys keys;

	ReferenceRules(@Nullable PlanReferences plans, @Nullable ConsumerKeys keys) {
		this.plans = plans;
		this.keys = keys;
	}

	/** Errors in {@code value} against the store (its fields as named by the codec). */
	Mono<List<FieldError>> checkPut(Kind kind, Object value) {
		if (kind == Kind.CONSUMERS && this.plans != null && value instanceof Consumer consumer) {
			return this.plans.check(consumer, List.of());
		}
		return Mono.just(List.of());
	}

	/** The writes that go with deleting {@code id}, or a 409 when it is still named. */
	Mono<List<Write>> withDelete(Kind kind, String id) {
		if (kind == Kind.PLANS && this.plans != null) {
			return this.plans.consumerOf(id)
				.flatMap(consumer -> Mono.<List<Write>>error(planInUse(id, consumer, "")))
				.defaultIfEmpty(List.of());
		}
		if (kind == Kind.CONSUMERS && this.keys != null) {
			return this.keys.deletesFor(id);
		}
		return Mono.just(List.of());
	}

	/**
	 * Errors of a whole configuration document: each consumer's plan is among the
	 * document's plans ({@code field} prefix {@code consumers.<id>.}).
	 */
	List<FieldError> checkDocument(Map<String, Object> consumers, Collection<String> planIds) {
		List<FieldError> errors = new ArrayList<>();
		consumers.forEach((id, value) -> {
			if (value instanceof Consumer consumer && consumer.plan() != null && !planIds.contains(consumer.plan())) {
				errors.add(new FieldError("consumers." + id + ".plan",
						"no plan '" + consumer.plan() + "' exists in this configuration"));
			}
		});
		return errors;
	}

	/** The key deletes that go with a configuration that deletes consumer {@code id}. */
	List<Write> withDelete(Kind kind, String id, Snapshot snapshot) {
		if (kind == Kind.CONSUMERS && this.keys != null) {
			return this.keys.deletesFor(id, snapshot.of(Kind.KEYS));
		}
		return List.of();
	}

	static ManagementProblem planInUse(String plan, String consumer, String fieldPrefix) {
		String detail = "consumer '" + consumer + "' still names plan '" + plan
				+ "': give it another plan (or none) first";
		return new ManagementProblem(409, "Conflict", detail, List.of(new FieldError(fieldPrefix + "id", detail)));
	}

}
