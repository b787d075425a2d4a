package io.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad ClusterRateLimit settings stop the gateway at startup with a message naming the
 * route and the problem.
 */
class ClusterRateLimitConfigTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static void startWith(LimitedRoute route) {
		LimitedRoute.addAll(GatewayInstance.builder().redis(redis), "http://127.0.0.1:9", List.of(route))
			.start()
			.close();
	}

	@Test
	void whenCostExceedsALimit_thenStartupFailsNamingTheRoute() {
		assertThatThrownBy(() -> startWith(LimitedRoute.of("bad-cost", "5/1s", "ip").arg("cost", "6")))
			.hasStackTraceContaining("Route 'bad-cost': ClusterRateLimit: Rate limit cost 6 exceeds limit 5/1s");
	}

	@Test
	void whenTheKeySourceIsUnknown_thenStartupFails() {
		assertThatThrownBy(() -> startWith(LimitedRoute.of("bad-key", "5/1s", "cookie:x")))
			.hasStackTraceContaining("Unknown ClusterRateLimit key 'cookie:x'");
	}

	@Test
	void whenGlobalSettingsAreInvalid_thenStartupFails() {
		assertThatThrownBy(() -> LimitedRoute
			.addAll(GatewayInstance.builder().redis(redis).property("tollgate.redis.timeout", "0s"),
					"http://127.0.0.1:9", List.of(LimitedRoute.of("ok", "5/1s", "ip")))
			.start()
			.close()).hasStackTraceContaining("tollgate.redis.timeout must be a positive duration");
	}

}
