package io.tollgate.testsupport.redis;

import io.tollgate.testsupport.internal.Files2;
import io.tollgate.testsupport.internal.Reaper;
import io.tollgate.testsupport.internal.Waits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One redis-server process on a fixed loopback port, with its own dir and log file. */
final class RedisNode {

	static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private final int port;

	private final boolean cluster;

	private final Path dir;

	private final Path log;

	private Process process;

	RedisNode(int port, boolean cluster, Path parentDir) {
		this.port = port;
		this.cluster = cluster;
		this.dir = parentDir.resolve("node-" + port);
		this.log = dir.resolve("redis-server.log");
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	int port() {
		return port;
	}

	Path log() {
		return log;
	}

	String tail() {
		return Files2.tail(log, 40);
	}

	/** Launches the process without waiting for it to serve. */
	void launch() {
		List<String> cmd = new ArrayList<>(
				List.of("redis-server", "--port", String.valueOf(port), "--bind", HOST, "--save", "", "--appendonly",
						"no", "--protected-mode", "no", "--daemonize", "no", "--dir", dir.toString()));
		if (cluster) {
			cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
					"--cluster-node-timeout", "2000"));
		}
		ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		try {
			process = Reaper.watch(builder.start());
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot start redis-server on port " + port + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Waits until PING answers; fails with the log tail when the process died or did not
	 * answer in time.
	 */
	void awaitServing() {
		boolean up = Waits.until(START_TIMEOUT, () -> !process.isAlive() || Resp.ping(HOST, port, null));
		if (!process.isAlive()) {
			throw new NodeDiedException("redis-server on port " + port + " exited with code " + process.exitValue()
					+ " during startup\n" + tail(), tail().contains("Address already in use"));
		}
		if (!up) {
			throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
					+ START_TIMEOUT.toSeconds() + "s\n" + tail());
		}
	}

	/** SIGKILL, then wait until the port refuses connections. */
	void kill() {
		if (process != null) {
			Reaper.kill(process);
			process = null;
		}
		if (!Waits.until(Duration.ofSeconds(10), () -> Resp.refuses(HOST, port))) {
			throw new IllegalStateException("port " + port + " still accepts connections after killing redis-server");
		}
	}

	boolean isAlive() {
		return process != null && process.isAlive();
	}

	/**
	 * Startup failure; {@code portTaken} says another process grabbed the port between
	 * pick and bind.
	 */
	static final class NodeDiedException extends IllegalStateException {

		final boolean portTaken;

		NodeDiedException(String message, boolean portTaken) {
			super(message);
			this.portTaken = portTaken;
		}

	}

}
