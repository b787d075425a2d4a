package io.tollgate.testsupport.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every process the harness started when the JVM exits, so a test run that dies or forgets {@code close()} does not
 * leave redis-server processes behind.
 */
public final class Reaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "tollgate-test-process-reaper"));
    }

    private Reaper() {
    }

    /** Registers a process to be killed at JVM exit. */
    public static Process watch(Process process) {
        LIVE.add(process);
        return process;
    }

    /** Kills the process now (SIGKILL) and forgets it. */
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
    }
}
