package io.tollgate.gateway.consumer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.policy.ratelimit.Algorithm;
import io.tollgate.policy.ratelimit.Limit;
import io.tollgate.policy.ratelimit.LimitParser;
import io.tollgate.policy.ratelimit.OnStoreFailure;
import io.tollgate.policy.ratelimit.RateLimitPolicy;
import io.tollgate.policy.redis.RedisCalls;

/**
 * A consumer's usage, read in one {@code MGET} from the keys {@code ClusterRateLimit}
 * keeps for its plan: budget {@code plan:<planId>}, caller {@code consumer:<id>}, one key
 * per limit, named by {@link RateLimitPolicy#keys}
 * ({@code tollgate:rl:{plan:gold:consumer:acme}:gcra:10-per-1s}). A calendar-month limit
 * is counted by fixed-window; any other limit by gcra, or by fixed-window when a plan's
 * limiter runs all its limits as fixed windows: both keys are read and the one holding
 * more usage is reported. Nothing is written.
 */
public final class RedisUsageReader implements UsageReader {

	private final ManagementAccess access;

	private final PlanResolver plans;

	@Nullable
	private final RedisCalls redis;

	private final Clock clock;

	public RedisUsageReader(ManagementAccess access, PlanResolver plans, @Nullable RedisCalls redis, Clock clock) {
		this.access = access;
		this.plans = plans;
		this.redis = redis;
		this.clock = clock;
	}

	@Override
	public Mono<ConsumerUsage> usage(String consumerId) {
		return Mono.defer(() -> {
			ManagementView view = this.access.view();
			if (view == null || view.get(Kind.CONSUMERS, consumerId, Consumer.class) == null) {
				return Mono.error(ManagementProblem.notFound(Kind.CONSUMERS, consumerId));
			}
			ResolvedPlan plan = this.plans.planOf(consumerId);
			if (plan == null) {
				return Mono.just(new ConsumerUsage(consumerId, null, List.of()));
			}
			if (this.redis == null) {
				return Mono.error(new ManagementProblem(503, "Service Unavailable",
						"Usage is read from the rate limiter's keys in Redis, and this gateway has no Redis"));
			}
			List<Limit> limits = plan.limits().stream().map(LimitParser::parseOne).toList();
			String caller = "consumer:" + consumerId;
			String budget = "plan:" + plan.id();
			List<String> keys = new ArrayList<>();
			for (Limit limit : limits) {
				keys.add(key(budget, Algorithm.FIXED_WINDOW, limit, caller));
				keys.add(limit.isCalendarMonths() ? null : key(budget, Algorithm.GCRA, limit, caller));
			}
			List<String> asked = keys.stream().filter(k -> k != null).toList();
			return this.redis.call(r -> r.opsForValue().multiGet(asked))
				.onErrorMap(ex -> new ManagementProblem(503, "Service Unavailable",
						"The rate limiter's keys cannot be read right now"))
				.map(values -> {
					double now = this.clock.millis();
					List<ConsumerUsage.LimitUsage> out = new ArrayList<>(limits.size());
					int v = 0;
					for (int i = 0; i < limits.size(); i++) {
						Limit limit = limits.get(i);
						LimitUsageMath.Usage usage = LimitUsageMath.fixedWindow(limit, values.get(v++), now);
						if (!limit.isCalendarMonths()) {
							LimitUsageMath.Usage gcra = LimitUsageMath.gcra(limit, values.get(v++), now);
							if (gcra.used() >= usage.used()) {
								usage = gcra;
							}
						}
						out.add(new ConsumerUsage.LimitUsage(limit.toString(), usage.used(), usage.remaining(),
								usage.resetSeconds()));
					}
					return new ConsumerUsage(consumerId, plan.id(), out);
				});
		});
	}

	static String key(String budget, Algorithm algorithm, Limit limit, String caller) {
		return new RateLimitPolicy(budget, algorithm, List.of(limit), 1, OnStoreFailure.LOCAL).keys(caller).get(0);
	}

}
