package io.tollgate.testsupport.redis;

import io.tollgate.testsupport.internal.FreePorts;
import io.tollgate.testsupport.internal.Files2;
import io.tollgate.testsupport.internal.Reaper;
import io.tollgate.testsupport.internal.Waits;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Redis from the {@code redis-server} binary on PATH: one process, or three cluster
 * masters.
 */
final class ProcessRedis implements RedisBackend {

	private static final int CLUSTER_MASTERS = 3;

	private static final int CLUSTER_BUS_OFFSET = 10000;

	private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);

	private final boolean cluster;

	private final Path dir;

	private final List<RedisNode> nodes = new ArrayList<>();

	ProcessRedis(boolean cluster) {
		this.cluster = cluster;
		this.dir = Reaper.deleteOnExit(Files2.tempDir(cluster ? "tollgate-redis-cluster-" : "tollgate-redis-"));
	}

	@Override
	public void startFirst() {
		for (int i = 0; i < (cluster ? CLUSTER_MASTERS : 1); i++) {
			nodes.add(startNodeOnFreshPort());
		}
		if (cluster) {
			createCluster();
			awaitClusterOk();
		}
	}

	private RedisNode startNodeOnFreshPort() {
		for (int attempt = 1;; attempt++) {
			RedisNode node = new RedisNode(FreePorts.pick(cluster ? CLUSTER_BUS_OFFSET : 0), cluster, dir);
			node.launch();
			try {
				node.awaitServing();
				return node;
			}
			catch (RedisNode.NodeDiedException e) {
				if (!e.portTaken || attempt == 5) {
					throw e;
				}
			}
		}
	}

	private void createCluster() {
		List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
		nodes.forEach(n -> cmd.add(RedisNode.HOST + ":" + n.port()));
		cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		Path log = dir.resolve("cluster-create.log");
		try {
			Process process = Reaper.watch(new ProcessBuilder(cmd).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start());
			boolean done = process.waitFor(CLUSTER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			Reaper.kill(process);
			if (!done || process.exitValue() != 0) {
				throw new IllegalStateException("'" + String.join(" ", cmd) + "' failed"
						+ (done ? " with exit code " + process.exitValue() : " to finish in time") + "\n"
						+ Files2.tail(log, 40));
			}
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot run redis-cli (install redis-tools / redis-server): " + e, e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while creating the cluster", e);
		}
	}

	private void awaitClusterOk() {
		boolean ok = Waits.until(CLUSTER_TIMEOUT, () -> nodes.stream().allMatch(this::clusterOk));
		if (!ok) {
			String states = nodes.stream()
				.map(n -> n.port() + ": "
						+ clusterInfo(n).lines()
							.filter(l -> l.startsWith("cluster_state") || l.startsWith("cluster_known_nodes")
									|| l.startsWith("cluster_slots_ok"))
							.collect(Collectors.joining(", ")))
				.collect(Collectors.joining("; "));
			throw new IllegalStateException("cluster did not reach cluster_state:ok within "
					+ CLUSTER_TIMEOUT.toSeconds() + "s (" + states + ")\n" + tails());
		}
	}

	private boolean clusterOk(RedisNode node) {
		String info = clusterInfo(node);
		return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + nodes.size())
				&& info.contains("cluster_slots_ok:16384");
	}

	private static String clusterInfo(RedisNode node) {
		try {
			Object reply = Resp.command(RedisNode.HOST, node.port(), "CLUSTER", "INFO");
			return reply == null ? "" : reply.toString();
		}
		catch (IOException e) {
			return "unreachable: " + e.getMessage();
		}
	}

	@Override
	public void stop() {
		nodes.forEach(RedisNode::kill);
	}

	@Override
	public void restart() {
		for (RedisNode node : nodes) {
			if (node.isAlive()) {
				node.kill();
			}
			node.launch();
		}
		nodes.forEach(RedisNode::awaitServing);
		if (cluster) {
			awaitClusterOk();
		}
	}

	@Override
	public void close() {
		try {
			nodes.forEach(RedisNode::kill);
		}
		finally {
			Files2.deleteQuietly(dir);
			Reaper.forgetDir(dir);
		}
	}

	@Override
	public String host() {
		return RedisNode.HOST;
	}

	@Override
	public List<Integer> ports() {
		return nodes.stream().map(RedisNode::port).collect(Collectors.toUnmodifiableList());
	}

	@Override
	public String describe() {
		return (cluster ? "redis-server cluster (3 masters) " : "redis-server process ") + ports() + " in " + dir;
	}

	String tails() {
		return nodes.stream().map(RedisNode::tail).collect(Collectors.joining("\n"));
	}

}
