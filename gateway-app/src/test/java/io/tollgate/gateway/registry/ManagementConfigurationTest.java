package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The registry's wiring without Redis; with Redis it is proven by the gateway tests. */
class ManagementConfigurationTest {

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManagementConfiguration.class));

	@Test
	void whenThereIsNoRedisLayer_thenTheStoreIsInMemory_andTheStateIsSynced() {
		this.runner.withBean(TestPlanCodec.class).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(InMemoryManagementStore.class);
			assertThat(context).doesNotHaveBean(RedisManagementStore.class);
			assertThat(context).hasSingleBean(ManagementSync.class);
			assertThat(context.getBean(AuditChain.class).keyed()).isFalse();
			ResourceStore store = context.getBean(ResourceStore.class);
			store.commit(Batch.of("admin", "create", Write.put(Kind.PLANS, "gold", TestPlanCodec.plan("Gold", "1/1s"),
					Precondition.absent(), java.util.Set.of(), null, "{}")))
				.block();
			ManagementState state = context.getBean(ManagementState.class);
			ManagementSyncTest.await(java.time.Duration.ofSeconds(1), () -> state.revision() == 1);
			assertThat(state.get(Kind.PLANS, "gold", TestPlanCodec.Plan.class)).isNotNull();
		});
	}

	@Test
	void whenTheApiKeySecretIsSet_thenTheAuditChainIsKeyed() {
		this.runner.withPropertyValues("tollgate.api-keys.secret=0123456789abcdef0123456789abcdef")
			.run(context -> assertThat(context.getBean(AuditChain.class).keyed()).isTrue());
	}

	@Test
	void whenAnApplicationDefinesItsOwnStore_thenItIsUsed() {
		this.runner.withUserConfiguration(OwnStore.class).run(context -> {
			assertThat(context).hasSingleBean(ResourceStore.class);
			assertThat(context.getBean(ChangeFeed.class)).isSameAs(context.getBean("ownStore"));
		});
	}

	@Test
	void whenAPropertyIsOutOfRange_thenStartupFailsNamingIt() {
		this.runner.withPropertyValues("tollgate.management.resync-interval=0s")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tollgate.management.resync-interval"));
		this.runner.withPropertyValues("tollgate.management.audit-length=0")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tollgate.management.audit-length"));
	}

	@Test
	void whenTwoCodecsReadOneKind_thenStartupFailsNamingThem() {
		this.runner.withBean("a", TestPlanCodec.class)
			.withBean("b", TestPlanCodec.class)
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Two ResourceCodec beans read plans"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStore {

		@Bean
		InMemoryManagementStore ownStore() {
			return new InMemoryManagementStore(Clock.systemUTC(), AuditChain.of(null), 10);
		}

	}

}
