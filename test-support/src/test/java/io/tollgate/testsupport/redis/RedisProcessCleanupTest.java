package io.tollgate.testsupport.redis;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RedisProcessCleanupTest {

    @Test
    void whenTestJvmExitsWithoutClose_thenItsRedisIsKilled() throws Exception {
        assertRedisDiesWithJvm(true);
    }

    @Test
    void whenTestJvmIsTerminated_thenItsRedisIsKilled() throws Exception {
        assertRedisDiesWithJvm(false);
    }

    private static void assertRedisDiesWithJvm(boolean exitByItself) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ReaperProbe.class.getName())).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            int port = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            assertThat(port).as("child JVM reported its Redis port").isPositive();
            assertThat(Resp.ping("127.0.0.1", port, null)).isTrue();

            if (exitByItself) {
                child.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
            }
            else {
                child.destroy();
            }
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

            assertThat(Resp.refuses("127.0.0.1", port)).isTrue();
        }
        finally {
            child.destroyForcibly();
        }
    }
}
