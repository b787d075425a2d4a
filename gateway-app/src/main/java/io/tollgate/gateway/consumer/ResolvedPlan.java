package io.tollgate.gateway.consumer;

import java.util.List;

/**
 * A consumer's plan as a managed API with {@code rateLimit.fromPlan} enforces it.
 *
 * @param id the plan's id (the rate-limit budget is {@code plan:<id>})
 * @param revision the revision of the plan (a compiled limiter is rebuilt when it
 * changes)
 * @param limits the plan's limits in {@code ClusterRateLimit} syntax ({@code 10/1s},
 * {@code 10000/1mo})
 */
public record ResolvedPlan(String id, long revision, List<String> limits) {

	public ResolvedPlan {
		limits = List.copyOf(limits);
	}

}
