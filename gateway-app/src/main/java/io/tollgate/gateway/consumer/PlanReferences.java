package io.tollgate.gateway.consumer;

import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ResourceStore;

/**
 * Whether a consumer's plan exists, for the Admin API to warn or refuse at write time.
 * The codec does not look it up (it reads documents, not the store), and the runtime
 * needs no such check: a consumer naming a plan that does not exist has no plan.
 */
public final class PlanReferences {

	private final ManagementAccess access;

	public PlanReferences(ManagementAccess access) {
		this.access = access;
	}

	/**
	 * A {@code plan} field error when the consumer names a plan that is neither in the
	 * store nor among {@code planIdsInSameBatch} (a config document that creates both);
	 * empty otherwise.
	 */
	public Mono<List<FieldError>> check(Consumer consumer, Collection<String> planIdsInSameBatch) {
		String plan = consumer.plan();
		ResourceStore store = this.access.store();
		if (plan == null || planIdsInSameBatch.contains(plan) || store == null) {
			return Mono.just(List.of());
		}
		return store.get(Kind.PLANS, plan)
			.map(found -> List.<FieldError>of())
			.defaultIfEmpty(List.of(new FieldError("plan", "no plan '" + plan + "' exists")));
	}

}
