package io.tollgate.gateway.consumer;

import org.springframework.lang.Nullable;

/**
 * The plan of a consumer, from this replica's applied state; read on the request path.
 */
@FunctionalInterface
public interface PlanResolver {

	/** The consumer's plan, or null when the consumer is unknown or has no plan. */
	@Nullable
	ResolvedPlan planOf(String consumerId);

}
