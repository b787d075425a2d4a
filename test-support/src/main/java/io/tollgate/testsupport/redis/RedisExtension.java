package io.tollgate.testsupport.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.testcontainers.DockerClientFactory;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Redis for a test class:
 * {@code @RegisterExtension static final RedisExtension redis = RedisExtension.standalone();}
 * (or {@link #cluster()} for three masters). Also usable by hand: {@link #startNow()} ...
 * {@link #close()}, so one test can hold several.
 *
 * <p>
 * Where Redis comes from, first match wins: the {@code redis-server} binary on PATH (own
 * process(es) on free loopback ports, killed afterwards and at JVM exit); a
 * {@code redis:7} Testcontainers container when Docker is available (standalone only);
 * env {@code REDIS_URL} (standalone) or {@code REDIS_CLUSTER_NODES} (cluster, comma
 * separated host:port), which cannot be stopped; otherwise the test class fails with a
 * message saying what to install.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private final boolean cluster;

	private RedisBackend backend;

	private String ownerContextId;

	private RedisExtension(boolean cluster) {
		this.cluster = cluster;
	}

	/** A single Redis server. */
	public static RedisExtension standalone() {
		return new RedisExtension(false);
	}

	/** A Redis Cluster of three masters (no replicas) covering all 16384 slots. */
	public static RedisExtension cluster() {
		return new RedisExtension(true);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (backend == null) {
			startNow();
			ownerContextId = context.getUniqueId();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (context.getUniqueId().equals(ownerContextId)) {
			close();
		}
	}

	/**
	 * Starts Redis now (once); returns this. Blocks until it serves (cluster: until
	 * cluster_state:ok everywhere).
	 */
	public synchronized RedisExtension startNow() {
		if (backend != null) {
			return this;
		}
		RedisBackend chosen = chooseBackend();
		try {
			chosen.startFirst();
		}
		catch (RuntimeException e) {
			chosen.close();
			throw e;
		}
		backend = chosen;
		return this;
	}

	private RedisBackend chooseBackend() {
		if (onPath("redis-server") && (!cluster || onPath("redis-cli"))) {
			return new ProcessRedis(cluster);
		}
		if (!cluster && dockerAvailable()) {
			return new ContainerRedis();
		}
		String env = System.getenv(cluster ? "REDIS_CLUSTER_NODES" : "REDIS_URL");
		if (env != null && !env.isBlank()) {
			return cluster ? ExternalRedis.fromClusterNodes(env) : ExternalRedis.fromUrl(env);
		}
		throw new AssertionFailedError("No Redis available for the tests: install redis-server"
				+ " (apt-get install redis-server, which provides redis-server and redis-cli on PATH)"
				+ (cluster ? "" : ", or run Docker, or set REDIS_URL=redis://host:port")
				+ (cluster ? ", or set REDIS_CLUSTER_NODES=host:port,host:port,host:port" : "") + ".");
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError e) {
			return false;
		}
	}

	private static boolean onPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File file = new File(dir, executable);
			if (file.isFile() && file.canExecute()) {
				return true;
			}
		}
		return false;
	}

	private synchronized RedisBackend backend() {
		if (backend == null) {
			throw new IllegalStateException("Redis is not started: register the extension with @RegisterExtension on a"
					+ " static field, or call startNow()");
		}
		return backend;
	}

	/** True for {@link #cluster()}. */
	public boolean isCluster() {
		return cluster;
	}

	/** {@code redis://host:port} of the standalone server. */
	public String url() {
		if (cluster) {
			throw new IllegalStateException("url() is for a standalone server; a cluster has clusterNodes()");
		}
		return backend().url();
	}

	/** Host of the server(s), normally {@code 127.0.0.1}. */
	public String host() {
		return backend().host();
	}

	/** Port of the standalone server (for a cluster: of the first master). */
	public int port() {
		return backend().ports().get(0);
	}

	/** Ports of every node: three for a cluster, one for a standalone server. */
	public List<Integer> ports() {
		return backend().ports();
	}

	/**
	 * {@code "127.0.0.1:port"} of every node: three for a cluster, one for a standalone
	 * server.
	 */
	public List<String> clusterNodes() {
		RedisBackend b = backend();
		return b.ports().stream().map(p -> b.host() + ":" + p).collect(Collectors.toUnmodifiableList());
	}

	/**
	 * Spring Boot properties pointing at this Redis: {@code spring.data.redis.url} or
	 * {@code ...cluster.nodes}.
	 */
	public Map<String, String> springProperties() {
		Map<String, String> props = new LinkedHashMap<>();
		if (cluster) {
			props.put("spring.data.redis.cluster.nodes", String.join(",", clusterNodes()));
		}
		else {
			props.put("spring.data.redis.url", url());
		}
		return Map.copyOf(props);
	}

	/**
	 * Kills the server process(es) (SIGKILL) and returns once every port refuses
	 * connections.
	 */
	public void stop() {
		backend().stop();
	}

	/**
	 * Starts the server process(es) again on the same port(s) and returns once they serve
	 * (cluster: once the cluster reformed from its nodes.conf files and reports
	 * cluster_state:ok). Data does not survive: persistence is off.
	 */
	public void start() {
		backend().restart();
	}

	/** FLUSHALL on the server, or on every master of a cluster. */
	public void flushAll() {
		RedisBackend b = backend();
		for (int port : b.ports()) {
			try {
				Resp.command(b.host(), port, b.password(), 5000, "FLUSHALL");
			}
			catch (IOException e) {
				throw new IllegalStateException(
						"FLUSHALL failed on " + b.host() + ":" + port + ": " + e.getMessage() + logTail(), e);
			}
		}
	}

	/**
	 * Sends one raw command to the node on {@code port} (a cluster node answers MOVED for
	 * foreign keys).
	 */
	public Object command(int port, String... args) throws IOException {
		RedisBackend b = backend();
		return Resp.command(b.host(), port, b.password(), 5000, args);
	}

	/** Where this Redis comes from, for messages. */
	public String describe() {
		return backend().describe();
	}

	/**
	 * The tail of the server log(s), empty when Redis is not a harness-started process.
	 */
	public String logTail() {
		RedisBackend b = backend;
		return b instanceof ProcessRedis ? "\n" + ((ProcessRedis) b).tails() : "";
	}

	/** Stops Redis for good and deletes its temp dir. Idempotent. */
	@Override
	public synchronized void close() {
		if (backend != null) {
			try {
				backend.close();
			}
			finally {
				backend = null;
				ownerContextId = null;
			}
		}
	}

	@Override
	public String toString() {
		RedisBackend b = backend;
		return "RedisExtension[" + (b == null ? (cluster ? "cluster" : "standalone") + ", not started" : b.describe())
				+ "]";
	}

}
