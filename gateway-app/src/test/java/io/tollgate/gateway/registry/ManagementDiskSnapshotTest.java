package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.tollgate.gateway.consumer.Plan;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * Redis down at start with a disk snapshot present: the replica starts with the managed
 * resources it last applied (validated again by the codecs), and catches up when Redis
 * answers again.
 */
class ManagementDiskSnapshotTest {

	static final Duration T = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@TempDir
	Path dir;

	static Commit put(ResourceStore store, String id, String json) {
		return store
			.commit(Batch.of("admin", "replace",
					Write.put(Kind.PLANS, id, json, Precondition.any(), Set.of(), null, json)))
			.block(T);
	}

	GatewayInstance.Builder gateway() {
		return GatewayInstance.builder().property("tollgate.management.snapshot-dir", this.dir.toString());
	}

	@Test
	void whenRedisIsDownAtStart_thenTheDiskSnapshotIsApplied_andTheReplicaCatchesUpWhenRedisReturns() throws Exception {
		// a replica with Redis applies two plans and writes them to its disk
		try (GatewayInstance first = gateway().redis(redis).start()) {
			ResourceStore store = first.bean(ResourceStore.class);
			put(store, "gold", TestPlanCodec.plan("Gold", "100/1s"));
			put(store, "silver", TestPlanCodec.plan("Silver", "10/1s"));
			ManagementSync sync = first.bean(ManagementSync.class);
			ManagementSyncTest.await(Duration.ofSeconds(3), () -> sync.writtenRevision() == 2);
		}
		Path file = this.dir.resolve("management-snapshot.json");
		// someone with access to the disk adds a plan the Admin API would refuse
		String onDisk = Files.readString(file);
		assertThat(onDisk).contains("\"revision\":2", "\"id\":\"gold\"", "\"id\":\"silver\"");
		Files.writeString(file, onDisk.replace("\"plans\":[",
				"\"plans\":[{\"id\":\"evil\",\"revision\":2,\"json\":\"{\\\"limits\\\":[\\\"${jndi:x}\\\"]}\"},"));

		try (TcpProxy proxy = TcpProxy.to(redis.port())) {
			proxy.blackhole(true);
			try (GatewayInstance replica = gateway()
				.property("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port())
				.start()) {
				ManagementState state = replica.bean(ManagementState.class);
				assertThat(state.revision()).isEqualTo(2);
				assertThat(state.get(Kind.PLANS, "gold", Plan.class).limits()).containsExactly("100/1s");
				assertThat(state.get(Kind.PLANS, "silver", Plan.class)).isNotNull();
				assertThat(state.get(Kind.PLANS, "evil", Plan.class)).as("validated like Redis content").isNull();
				assertThat(replica.bean(MeterRegistry.class)
					.counter("tollgate.management.invalid", "kind", "plans")
					.count()).isEqualTo(1);

				// meanwhile another replica changes something in Redis
				try (RedisLayer direct = RedisLayer.on(redis)) {
					RedisManagementStore store = direct.store();
					assertThat(store.revision().block(T)).isEqualTo(2);
					put(store, "bronze", TestPlanCodec.plan("Bronze", "1/1s"));
				}
				Thread.sleep(1000);
				assertThat(state.revision()).as("nothing reaches it while Redis is unreachable").isEqualTo(2);

				long back = System.nanoTime();
				proxy.blackhole(false);
				ManagementSyncTest.await(Duration.ofSeconds(15), () -> state.revision() == 3);
				System.out.printf("Caught up %d ms after Redis answered again%n",
						(System.nanoTime() - back) / 1_000_000);
				assertThat(state.get(Kind.PLANS, "bronze", Plan.class)).isNotNull();
				assertThat(state.get(Kind.PLANS, "gold", Plan.class)).isNotNull();
				ManagementSync sync = replica.bean(ManagementSync.class);
				ManagementSyncTest.await(Duration.ofSeconds(3), () -> sync.writtenRevision() == 3);
			}
		}
		assertThat(Files.readString(file)).contains("\"revision\":3", "\"id\":\"bronze\"").doesNotContain("evil");
	}

}
