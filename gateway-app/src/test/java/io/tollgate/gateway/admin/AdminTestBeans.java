package io.tollgate.gateway.admin;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.consumer.ConsumerUsage;
import io.tollgate.gateway.consumer.UsageReader;
import io.tollgate.gateway.registry.AuditChain;
import io.tollgate.gateway.registry.InMemoryManagementStore;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * What the Admin API's tests give the application in place of the registry and consumers
 * work (registered with {@code spring.main.sources}, not a {@code @Configuration}, so the
 * component scan of other tests' gateways does not pick it up): an in-memory store, test
 * codecs, a key service, a usage reader; and a handle on the management child context.
 */
class AdminTestBeans {

	@Bean
	InMemoryManagementStore managementStore() {
		return new InMemoryManagementStore(Clock.systemUTC(), AuditChain.of(null), 10_000);
	}

	@Bean
	TestCodec planCodec() {
		return TestCodec.plans();
	}

	@Bean
	TestCodec consumerCodec() {
		return TestCodec.consumers();
	}

	@Bean
	TestCodec apiCodec() {
		return TestCodec.apis();
	}

	@Bean
	TestApiKeyService apiKeyService(InMemoryManagementStore store) {
		return new TestApiKeyService(store);
	}

	@Bean
	UsageReader usageReader() {
		return consumer -> Mono
			.just(new ConsumerUsage(consumer, "gold", List.of(new ConsumerUsage.LimitUsage("10/1s", 3, 7, 1))));
	}

	@Bean
	ManagementContextHolder managementContextHolder() {
		return new ManagementContextHolder();
	}

	/** The revision this replica reports in its heartbeat (set by the tests). */
	@Bean
	ReportedRevision reportedRevision(ObjectProvider<ReplicaHeartbeat> heartbeat) {
		return new ReportedRevision(heartbeat);
	}

	/** Keeps the management child context (its refresh event reaches the parent). */
	static final class ManagementContextHolder implements ApplicationListener<ContextRefreshedEvent> {

		final AtomicReference<ApplicationContext> context = new AtomicReference<>();

		@Override
		public void onApplicationEvent(ContextRefreshedEvent event) {
			if (event.getApplicationContext().getParent() != null) {
				this.context.set(event.getApplicationContext());
			}
		}

	}

	static final class ReportedRevision implements SmartInitializingSingleton {

		final AtomicLong revision = new AtomicLong();

		private final ObjectProvider<ReplicaHeartbeat> heartbeat;

		ReportedRevision(ObjectProvider<ReplicaHeartbeat> heartbeat) {
			this.heartbeat = heartbeat;
		}

		@Override
		public void afterSingletonsInstantiated() {
			this.heartbeat.ifAvailable(h -> h.attribute("revision", () -> String.valueOf(this.revision.get())));
		}

	}

}
