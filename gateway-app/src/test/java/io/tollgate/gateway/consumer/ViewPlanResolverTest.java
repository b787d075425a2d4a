package io.tollgate.gateway.consumer;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import io.tollgate.gateway.registry.AuditChain;
import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.InMemoryManagementStore;
import io.tollgate.gateway.registry.InvalidResources;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementState;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.Write;

import static org.assertj.core.api.Assertions.assertThat;

class ViewPlanResolverTest {

	final InMemoryManagementStore store = new InMemoryManagementStore(Clock.systemUTC(), AuditChain.of(null), 100);

	final ManagementState state = new ManagementState(List.of(new PlanCodec(), new ConsumerCodec()),
			new InvalidResources(null));

	ViewPlanResolver resolver;

	@BeforeEach
	void setUp() {
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerSingleton("view", this.state);
		beans.registerSingleton("store", this.store);
		ManagementAccess access = new ManagementAccess(beans.getBeanProvider(ManagementView.class),
				beans.getBeanProvider(ResourceStore.class), beans.getBeanProvider(ManagementState.class),
				beans.getBeanProvider(ViewListener.class));
		access.afterSingletonsInstantiated();
		this.resolver = new ViewPlanResolver(access);
	}

	void put(Kind kind, String id, String json) {
		this.store.commit(Batch.of("t", "replace", Write.put(kind, id, json, Precondition.any(), Set.of(), null, json)))
			.block();
		this.state.apply(this.store.changesSince(this.state.revision()).block());
	}

	@Test
	void planOfConsumer_followsThePlan_andItsVersionChangesWithTheLimitsOnly() {
		put(Kind.CONSUMERS, "acme", "{\"plan\":\"gold\",\"clientIds\":[]}");
		assertThat(this.resolver.planOf("acme")).as("plan not created yet").isNull();
		put(Kind.PLANS, "gold", "{\"limits\":[\"10/1s\"]}");
		ResolvedPlan first = this.resolver.planOf("acme");
		assertThat(first.id()).isEqualTo("gold");
		assertThat(first.limits()).containsExactly("10/1s");
		put(Kind.PLANS, "gold", "{\"description\":\"Gold\",\"limits\":[\"10/1s\"]}");
		assertThat(this.resolver.planOf("acme").revision()).isEqualTo(first.revision());
		put(Kind.PLANS, "gold", "{\"limits\":[\"20/1s\"]}");
		ResolvedPlan changed = this.resolver.planOf("acme");
		assertThat(changed.limits()).containsExactly("20/1s");
		assertThat(changed.revision()).isNotEqualTo(first.revision()).isNotNegative();
		this.store.commit(Batch.of("t", "delete", Write.delete(Kind.PLANS, "gold", Precondition.any()))).block();
		this.state.apply(this.store.changesSince(this.state.revision()).block());
		assertThat(this.resolver.planOf("acme")).isNull();
		assertThat(this.resolver.planOf("nobody")).isNull();
		put(Kind.CONSUMERS, "solo", "{\"clientIds\":[]}");
		assertThat(this.resolver.planOf("solo")).isNull();
	}

}
