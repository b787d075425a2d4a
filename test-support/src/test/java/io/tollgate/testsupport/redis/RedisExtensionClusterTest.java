package io.tollgate.testsupport.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisExtensionClusterTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@Test
	void whenRegistered_thenThreeMastersFormAHealthyCluster() throws Exception {
		assertThat(redis.isCluster()).isTrue();
		assertThat(redis.clusterNodes()).hasSize(3).allMatch(n -> n.startsWith("127.0.0.1:"));
		assertThat(redis.springProperties()).containsOnlyKeys("spring.data.redis.cluster.nodes");
		assertThat(redis.springProperties().get("spring.data.redis.cluster.nodes"))
			.isEqualTo(String.join(",", redis.clusterNodes()));
		assertThatThrownBy(redis::url).isInstanceOf(IllegalStateException.class);
		for (int port : ports()) {
			String info = (String) redis.command(port, "CLUSTER", "INFO");
			assertThat(info).contains("cluster_state:ok", "cluster_known_nodes:3", "cluster_slots_assigned:16384",
					"cluster_size:3");
		}
	}

	@Test
	void whenKeysAreSetThroughOneNodeWithRedisCliC_thenEveryNodeReachesThemAndTheyAreSpreadOverMasters()
			throws Exception {
		redis.flushAll();
		List<Integer> ports = ports();
		for (int i = 0; i < 12; i++) {
			assertThat(cli(ports.get(0), "SET", "key-" + i, "value-" + i)).isEqualTo("OK");
		}
		for (int i = 0; i < 12; i++) {
			assertThat(cli(ports.get(2), "GET", "key-" + i)).isEqualTo("value-" + i);
		}
		long holdingNodes = ports.stream().filter(p -> dbsize(p) > 0).count();
		assertThat(holdingNodes).isGreaterThan(1);
		assertThat(ports.stream().mapToLong(this::dbsize).sum()).isEqualTo(12);
	}

	@Test
	void whenStoppedThenStarted_thenPortsRefuseMeanwhileAndTheClusterReformsOnTheSamePorts() throws Exception {
		List<Integer> before = ports();
		redis.stop();
		for (int port : before) {
			assertThat(Resp.refuses("127.0.0.1", port)).isTrue();
		}

		redis.start();

		assertThat(ports()).isEqualTo(before);
		for (int port : before) {
			assertThat((String) redis.command(port, "CLUSTER", "INFO")).contains("cluster_state:ok");
		}
		assertThat(cli(before.get(1), "SET", "after-restart", "yes")).isEqualTo("OK");
		assertThat(cli(before.get(0), "GET", "after-restart")).isEqualTo("yes");
	}

	@Test
	void whenFlushAll_thenEveryMasterIsEmpty() throws Exception {
		List<Integer> ports = ports();
		for (int i = 0; i < 6; i++) {
			cli(ports.get(0), "SET", "f-" + i, "x");
		}
		redis.flushAll();
		assertThat(ports.stream().mapToLong(this::dbsize).sum()).isZero();
	}

	private static List<Integer> ports() {
		List<Integer> ports = new ArrayList<>();
		redis.clusterNodes().forEach(n -> ports.add(Integer.parseInt(n.substring(n.indexOf(':') + 1))));
		return ports;
	}

	private long dbsize(int port) {
		try {
			return (Long) redis.command(port, "DBSIZE");
		}
		catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	private static String cli(int port, String... args) throws Exception {
		List<String> cmd = new ArrayList<>(List.of("redis-cli", "-c", "-h", "127.0.0.1", "-p", String.valueOf(port)));
		cmd.addAll(List.of(args));
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
		return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
	}

}
