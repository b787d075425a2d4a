package io.tollgate.gateway.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.tollgate.testsupport.internal.FreePorts;

/**
 * The cluster of {@code k6-loadtests/cluster/up.sh} (real redis-server, the demo process,
 * gateway replicas from the packaged jar, HAProxy), on free ports in a temp directory,
 * driven through the scripts themselves so the tests prove what users run. Closing runs
 * {@code down.sh}, then kills whatever recorded PID is still alive; a JVM shutdown hook
 * does the same if the test never closes it.
 */
final class LocalCluster implements AutoCloseable {

	private final Path root;

	private final Path dir;

	private final Map<String, String> scriptEnv;

	private final Map<String, String> clusterEnv;

	private final Thread hook = new Thread(this::cleanUp, "local-cluster-cleanup");

	private Process watchdog;

	private volatile boolean closed;

	private LocalCluster(Path root, Path dir, Map<String, String> scriptEnv) throws IOException {
		this.root = root;
		this.dir = dir;
		this.scriptEnv = scriptEnv;
		Runtime.getRuntime().addShutdownHook(hook);
		try {
			if (Files.isDirectory(dir.resolve("pids"))) {
				// left over by a test JVM that was killed
				run("down.sh", Duration.ofSeconds(90));
			}
			watchdog = startWatchdog();
			run("up.sh", Duration.ofMinutes(4), "--replicas", scriptEnv.get("REPLICAS"));
			this.clusterEnv = parseEnv(dir.resolve("cluster.env"));
		}
		catch (IOException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * Starts {@code replicas} gateway replicas behind HAProxy without retries
	 * ({@code LB_RETRIES=0}), so any request a replica refuses or drops is an error the
	 * client sees.
	 */
	static LocalCluster start(int replicas) throws IOException {
		Path root = projectRoot();
		Path jar = root.resolve("gateway-app/target/gateway-app.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: run the integration tests with ./mvnw verify");
		}
		Map<String, String> env = new LinkedHashMap<>();
		// under target/, kept after the run: its logs explain a failure
		// (up.sh wipes the directory; the scripts' own output goes next to it)
		env.put("CLUSTER_DIR", root.resolve("gateway-app/target/cluster-it/run").toString());
		env.put("JAR", jar.toString());
		env.put("REPLICAS", String.valueOf(replicas));
		env.put("LB_PORT", String.valueOf(FreePorts.pick()));
		env.put("DEMO_PORT", String.valueOf(FreePorts.pick()));
		env.put("STATS_PORT", String.valueOf(FreePorts.pick()));
		env.put("REDIS_PORT", String.valueOf(FreePorts.pick()));
		env.put("REPLICA_PORTS", ports(replicas));
		env.put("MGMT_PORTS", ports(replicas));
		env.put("LB_RETRIES", "0");
		// startup speed on a small machine; the gateway's own properties stay at their
		// defaults
		env.put("JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
		return new LocalCluster(root, Path.of(env.get("CLUSTER_DIR")), env);
	}

	private static String ports(int n) {
		return IntStream.range(0, n).mapToObj(i -> String.valueOf(FreePorts.pick())).collect(Collectors.joining(" "));
	}

	private static Path projectRoot() {
		Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
		for (Path p = here; p != null; p = p.getParent()) {
			if (Files.isRegularFile(p.resolve("k6-loadtests/cluster/up.sh"))) {
				return p;
			}
		}
		throw new IllegalStateException("k6-loadtests/cluster/up.sh not found above " + here);
	}

	/**
	 * A JVM shutdown hook does not run when the test JVM is SIGKILLed (a surefire
	 * timeout): this shell outlives it and runs down.sh then.
	 */
	private Process startWatchdog() throws IOException {
		String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done; exec bash '"
				+ root.resolve("k6-loadtests/cluster/down.sh") + "'";
		ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		pb.environment().putAll(scriptEnv);
		return pb.start();
	}

	String baseUrl() {
		return clusterEnv.get("BASE_URL");
	}

	String issuerUrl() {
		return clusterEnv.get("ISSUER_URL");
	}

	String upstreamUrl() {
		return clusterEnv.get("UPSTREAM_URL");
	}

	List<Integer> replicaPorts() {
		return Stream.of(clusterEnv.get("REPLICA_PORTS").split(" ")).map(Integer::valueOf).toList();
	}

	List<String> mgmtUrls() {
		return List.of(clusterEnv.get("MGMT_URLS").split(" "));
	}

	Path log(String name) {
		return dir.resolve("logs").resolve(name + ".log");
	}

	/** Runs {@code restart.sh} (every replica, one at a time) and returns its output. */
	String rollingRestart(Duration timeout) throws IOException {
		return run("restart.sh", timeout);
	}

	private String run(String script, Duration timeout, String... args) throws IOException {
		List<String> command = new ArrayList<>(
				List.of("bash", root.resolve("k6-loadtests/cluster/" + script).toString()));
		command.addAll(List.of(args));
		Files.createDirectories(dir.getParent());
		Path out = dir.getParent().resolve(script + ".out");
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
		pb.environment().putAll(scriptEnv);
		Process process = pb.start();
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				throw new IllegalStateException(script + " did not finish within " + timeout + ":\n" + tail(out));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(script + " interrupted");
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(script + " failed (exit " + process.exitValue() + "):\n" + tail(out));
		}
		return Files.readString(out, StandardCharsets.UTF_8);
	}

	static String tail(Path file) {
		try {
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
		}
		catch (IOException ex) {
			return "(no " + file + ")";
		}
	}

	private static Map<String, String> parseEnv(Path file) throws IOException {
		Map<String, String> env = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			int eq = line.indexOf('=');
			if (line.startsWith("#") || eq < 1) {
				continue;
			}
			String value = line.substring(eq + 1);
			if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
				value = value.substring(1, value.length() - 1);
			}
			env.put(line.substring(0, eq), value);
		}
		return env;
	}

	@Override
	public void close() {
		if (closed) {
			return;
		}
		cleanUp();
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException ex) {
			// already shutting down: the hook runs anyway
		}
	}

	private synchronized void cleanUp() {
		if (closed) {
			return;
		}
		closed = true;
		try {
			run("down.sh", Duration.ofSeconds(90));
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("down.sh failed, killing the recorded processes: " + ex.getMessage());
		}
		killRecorded();
		if (watchdog != null) {
			watchdog.destroy();
		}
	}

	/** Whatever down.sh left alive (it failed, or timed out): SIGKILL by recorded PID. */
	private void killRecorded() {
		Path pids = dir.resolve("pids");
		if (!Files.isDirectory(pids)) {
			return;
		}
		try (Stream<Path> files = Files.list(pids)) {
			files.forEach(f -> {
				try {
					long pid = Long.parseLong(Files.readString(f).trim().split("\\s+")[0]);
					ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				}
				catch (IOException | RuntimeException ex) {
					// unreadable pid file: nothing we started is known by it
				}
			});
		}
		catch (IOException ex) {
			// nothing to list
		}
	}

}
