package io.tollgate.gateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.consumer.PlanResolver;
import io.tollgate.gateway.consumer.ResolvedPlan;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.policy.identity.Caller;

/**
 * What the managed-API tests add to the real gateway through {@code spring.main.sources},
 * standing in for the parts other branches build: the replica's {@link ManagementState}
 * on an in-memory store (its sync is driven by the test: {@link #sync}), a
 * {@link PlanResolver} the test fills, and consumer identification from
 * {@code X-API-Key: key-<consumer>} or a JWT's {@code azp}. Not a {@code @Configuration}:
 * the application's component scan must not find it.
 */
public class ManagedTestSources {

	/** How a test gateway gets these beans. */
	public static GatewayInstance.Builder gateway() {
		return GatewayInstance.builder().property("spring.main.sources", ManagedTestSources.class.getName());
	}

	@Bean
	InMemoryManagementStore testManagementStore() {
		return new InMemoryManagementStore(Clock.systemUTC(), AuditChain.of(null), 1000);
	}

	@Bean
	ManagementState testManagementState(List<ResourceCodec<?>> codecs, ObjectProvider<MeterRegistry> registry) {
		return new ManagementState(codecs, new InvalidResources(registry.getIfAvailable()));
	}

	@Bean
	TestPlans testPlans() {
		return new TestPlans();
	}

	@Bean
	WebFilter testConsumerIdentification(TestPlans plans) {
		return new TestConsumers(plans);
	}

	/** Brings the gateway's state to the store's revision, as the sync would. */
	public static ManagementChanges sync(GatewayInstance gateway) {
		InMemoryManagementStore store = gateway.bean(InMemoryManagementStore.class);
		ManagementState state = gateway.bean(ManagementState.class);
		ChangeSet changes = store.changesSince(state.revision()).block(Duration.ofSeconds(5));
		if (changes.gap()) {
			return state.load(store.snapshot().block(Duration.ofSeconds(5)));
		}
		return state.apply(changes);
	}

	/**
	 * Validates {@code json} with the gateway's own codec, commits it to the store as the
	 * Admin API would, and syncs the gateway.
	 */
	public static ApiDefinition put(GatewayInstance gateway, String id, String json) {
		ApiDefinition api = commitOnly(gateway, id, json);
		sync(gateway);
		return api;
	}

	/** Validates and commits, without syncing the gateway. */
	public static ApiDefinition commitOnly(GatewayInstance gateway, String id, String json) {
		ApiCodec codec = gateway.bean(ApiCodec.class);
		ResourceCodec.Parsed<ApiDefinition> parsed = codec.parse(id, json);
		if (!parsed.isValid()) {
			throw new IllegalArgumentException("Invalid API " + id + ": " + parsed.errors());
		}
		String canonical = codec.canonical(parsed.value());
		commitBatch(gateway, List.of(Write.put(Kind.APIS, id, canonical, Precondition.any(),
				codec.uniques(parsed.value()), null, canonical)));
		return parsed.value();
	}

	/**
	 * Writes raw JSON to the store, unvalidated (as someone with access to Redis could).
	 */
	public static void putRaw(GatewayInstance gateway, String id, String json) {
		commitBatch(gateway,
				List.of(Write.put(Kind.APIS, id, json, Precondition.any(), java.util.Set.of(), null, json)));
		sync(gateway);
	}

	public static void delete(GatewayInstance gateway, String id) {
		commitBatch(gateway, List.of(Write.delete(Kind.APIS, id, Precondition.exists())));
		sync(gateway);
	}

	/** Commits writes as one batch, without syncing the gateway. */
	public static void commitBatch(GatewayInstance gateway, List<Write> writes) {
		Commit commit = gateway.bean(InMemoryManagementStore.class)
			.commit(new Batch("test", "apply", writes))
			.block(Duration.ofSeconds(30));
		if (!commit.committed()) {
			throw new IllegalStateException("Refused: " + commit);
		}
	}

	/** Consumers' plans and the JWT clients that identify consumers, set by tests. */
	public static final class TestPlans implements PlanResolver {

		final Map<String, ResolvedPlan> plans = new ConcurrentHashMap<>();

		final Map<String, String> clients = new ConcurrentHashMap<>();

		public void plan(String consumer, ResolvedPlan plan) {
			this.plans.put(consumer, plan);
		}

		public void noPlan(String consumer) {
			this.plans.remove(consumer);
		}

		public void client(String clientId, String consumer) {
			this.clients.put(clientId, consumer);
		}

		@Override
		public ResolvedPlan planOf(String consumerId) {
			return this.plans.get(consumerId);
		}

	}

	/**
	 * Stands in for the consumers branch's identification filter: after the JWT caller is
	 * bound (-90), {@code X-API-Key: key-<consumer>} makes the caller that consumer (the
	 * header is removed), and a JWT whose {@code azp} is a known client becomes its
	 * consumer.
	 */
	static final class TestConsumers implements WebFilter, Ordered {

		private final TestPlans plans;

		TestConsumers(TestPlans plans) {
			this.plans = plans;
		}

		@Override
		public int getOrder() {
			return -80;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
			if (caller != null && caller.clientId() != null && this.plans.clients.containsKey(caller.clientId())) {
				caller.withConsumer(this.plans.clients.get(caller.clientId())).bind(exchange);
			}
			String key = exchange.getRequest().getHeaders().getFirst("X-API-Key");
			if (key == null) {
				return chain.filter(exchange);
			}
			if (key.startsWith("key-")) {
				String consumer = key.substring(4);
				(caller == null ? Caller.fromApiKey(consumer) : caller.withConsumer(consumer)).bind(exchange);
			}
			ServerHttpRequest request = exchange.getRequest().mutate().headers(h -> h.remove("X-API-Key")).build();
			return chain.filter(exchange.mutate().request(request).build());
		}

	}

}
