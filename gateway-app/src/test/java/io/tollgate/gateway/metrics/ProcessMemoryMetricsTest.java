package io.tollgate.gateway.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMemoryMetricsTest {

	@Test
	void whenProcStatusHasVmRss_thenGaugeReportsItInBytes(@TempDir Path dir) throws Exception {
		Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmRSS:\t  123456 kB\nThreads:\t40\n");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ProcessMemoryMetrics(status).bindTo(registry);
		assertThat(registry.get("process.memory.rss").gauge().value()).isEqualTo(123456 * 1024.0);
	}

	@Test
	void whenNoProcStatus_thenNoGauge(@TempDir Path dir) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ProcessMemoryMetrics(dir.resolve("missing")).bindTo(registry);
		assertThat(registry.find("process.memory.rss").gauge()).isNull();
	}

	@Test
	void onLinux_thenTheRealProcessRssIsPositive() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ProcessMemoryMetrics().bindTo(registry);
		assertThat(registry.get("process.memory.rss").gauge().value()).isGreaterThan(10 * 1024 * 1024);
	}

}
