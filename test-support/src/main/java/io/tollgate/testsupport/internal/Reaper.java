package io.tollgate.testsupport.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Makes sure processes the harness started do not outlive the test JVM. A shutdown hook
 * kills them on a normal exit or SIGTERM; for a JVM that is SIGKILLed (surefire timeout,
 * OOM killer) a small {@code sh} watchdog, started with the first process, polls the JVM
 * once a second and kills the pids listed in a file once it is gone.
 */
public final class Reaper {

	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	private static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();

	private static Path pidFile;

	private static boolean watchdogStarted;

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(Reaper::killAll, "tollgate-test-process-reaper"));
	}

	private Reaper() {
	}

	private static void killAll() {
		LIVE.forEach(Process::destroyForcibly);
		for (Process process : LIVE) {
			try {
				process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException e) {
				return;
			}
		}
		DIRS.forEach(Files2::deleteQuietly);
		synchronized (Reaper.class) {
			if (pidFile != null) {
				try {
					Files.deleteIfExists(pidFile);
				}
				catch (IOException e) {
					// the watchdog finds nothing to kill either way
				}
			}
		}
	}

	/** Registers a process to be killed when the JVM exits or dies. */
	public static Process watch(Process process) {
		LIVE.add(process);
		writePidFile();
		return process;
	}

	/**
	 * Deletes {@code dir} at JVM exit unless {@link #forgetDir} was called (it was
	 * deleted already).
	 */
	public static Path deleteOnExit(Path dir) {
		DIRS.add(dir);
		writePidFile();
		return dir;
	}

	/** Drops {@code dir} from the exit clean-up. */
	public static void forgetDir(Path dir) {
		DIRS.remove(dir);
		writePidFile();
	}

	/** Kills the process now (SIGKILL), waits for it, and forgets it. */
	public static void kill(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		LIVE.remove(process);
		writePidFile();
	}

	private static synchronized void writePidFile() {
		try {
			if (pidFile == null) {
				pidFile = Files.createTempFile("tollgate-test-pids-", ".txt");
			}
			List<String> pids = LIVE.stream()
				.filter(Process::isAlive)
				.map(p -> String.valueOf(p.pid()))
				.collect(Collectors.toList());
			Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
			// line 1: pids to kill; further lines: temp dirs (created by the harness, no
			// blanks) to remove
			List<String> dirs = DIRS.stream()
				.map(Path::toString)
				.filter(d -> !d.contains(" ") && !d.contains("'"))
				.collect(Collectors.toList());
			Files.writeString(tmp, String.join(" ", pids) + "\n" + String.join("\n", dirs) + "\n",
					StandardCharsets.UTF_8);
			Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
					java.nio.file.StandardCopyOption.ATOMIC_MOVE);
			if (!watchdogStarted) {
				watchdogStarted = true;
				startWatchdog();
			}
		}
		catch (IOException e) {
			// the shutdown hook still covers normal exits
		}
	}

	private static void startWatchdog() throws IOException {
		long jvm = ProcessHandle.current().pid();
		String script = "while kill -0 " + jvm + " 2>/dev/null; do sleep 1; done; " + "f='" + pidFile
				+ "'; if [ -f \"$f\" ]; then kill -9 $(head -n 1 \"$f\") 2>/dev/null; sleep 1; "
				+ "tail -n +2 \"$f\" | while read -r d; do [ -n \"$d\" ] && rm -rf \"$d\"; done; rm -f \"$f\"; fi";
		new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

}
