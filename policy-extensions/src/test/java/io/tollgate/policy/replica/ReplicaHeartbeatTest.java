package io.tollgate.policy.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ReplicaHeartbeatTest {

	@Test
	void whenABeatIsAskedFor_thenTheChangedAttributeIsReportedWithoutWaitingForTheInterval() throws Exception {
		InMemoryReplicaStore store = new InMemoryReplicaStore(Clock.systemUTC());
		ReplicaHeartbeat heartbeat = new ReplicaHeartbeat(store, "r1", Duration.ofSeconds(5), Duration.ofSeconds(15));
		AtomicLong revision = new AtomicLong(1);
		heartbeat.attribute("revision", () -> Long.toString(revision.get()));
		heartbeat.start();
		try {
			revision.set(7);
			long start = System.nanoTime();
			heartbeat.beatSoon();
			while (!"7".equals(reported(heartbeat)) && System.nanoTime() - start < Duration.ofSeconds(4).toNanos()) {
				Thread.sleep(5);
			}
			assertThat(reported(heartbeat)).isEqualTo("7");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		}
		finally {
			heartbeat.stop();
		}
	}

	@Test
	void whenStopped_thenAskingForABeatDoesNothing() {
		InMemoryReplicaStore store = new InMemoryReplicaStore(Clock.systemUTC());
		ReplicaHeartbeat heartbeat = new ReplicaHeartbeat(store, "r1", Duration.ofSeconds(5), Duration.ofSeconds(15));
		heartbeat.beatSoon();
		assertThat(heartbeat.view()).isEqualTo(ReplicaView.NONE);
	}

	private static String reported(ReplicaHeartbeat heartbeat) {
		return heartbeat.view()
			.replicas()
			.stream()
			.filter(r -> r.id().equals("r1"))
			.map(r -> r.attributes().get("revision"))
			.findFirst()
			.orElse(null);
	}

}
