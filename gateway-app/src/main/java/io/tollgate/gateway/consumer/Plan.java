package io.tollgate.gateway.consumer;

import java.util.List;

import org.springframework.lang.Nullable;

import io.tollgate.policy.ratelimit.Limit;
import io.tollgate.policy.ratelimit.LimitParser;

/**
 * A plan: the limits every consumer on it gets, across every API that takes its limits
 * from the plan ({@code rateLimit.fromPlan}).
 *
 * @param description what the plan is for, may be null
 * @param limits the limits in {@code ClusterRateLimit} syntax, one per entry
 * ({@code 10/1s}, {@code 10000/1mo}), as validated by {@link PlanCodec}
 */
public record Plan(@Nullable String description, List<String> limits) {

	public Plan {
		limits = List.copyOf(limits);
	}

	/** The limits, parsed (they were validated when the plan was read). */
	public List<Limit> parsedLimits() {
		return this.limits.stream().map(LimitParser::parseOne).toList();
	}

}
