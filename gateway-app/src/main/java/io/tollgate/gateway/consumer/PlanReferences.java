package io.tollgate.gateway.consumer;

import java.util.Collection;
import java.util.List;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.ResourceStore;

/**
 * Consumers' references to plans, for the Admin API to refuse at write time a consumer
 * naming a plan that does not exist, and the delete of a plan a consumer still names. The
 * codec does not look them up (it reads documents, not the store), and the runtime needs
 * no such check: a consumer naming a plan that does not exist has no plan.
 */
public final class PlanReferences {

	private static final int PAGE = 500;

	private final ManagementAccess access;

	private final ResourceCodec<Consumer> codec;

	public PlanReferences(ManagementAccess access, ResourceCodec<Consumer> codec) {
		this.access = access;
		this.codec = codec;
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

	/**
	 * The id of a consumer whose plan is {@code planId}, or empty (pages through all).
	 */
	public Mono<String> consumerOf(String planId) {
		ResourceStore store = this.access.store();
		return store == null ? Mono.empty() : consumerOf(store, planId, null);
	}

	private Mono<String> consumerOf(ResourceStore store, String planId, @Nullable String after) {
		return store.list(Kind.CONSUMERS, after, PAGE).flatMap(page -> {
			for (StoredResource r : page) {
				ResourceCodec.Parsed<Consumer> parsed = this.codec.parse(r.id(), r.json());
				if (parsed.isValid() && planId.equals(parsed.value().plan())) {
					return Mono.just(r.id());
				}
			}
			return page.size() < PAGE ? Mono.empty() : consumerOf(store, planId, page.get(page.size() - 1).id());
		});
	}

}
