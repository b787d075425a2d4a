package io.tollgate.gateway.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * {@code process.memory.rss} (Prometheus {@code process_memory_rss_bytes}): the resident
 * set size, which heap and buffer gauges do not show (metaspace, code cache, thread
 * stacks, native and direct memory together), for soak tests and container limits. Read
 * from {@code /proc/self/status} on each scrape (Spring Boot runs the scrape off the
 * event loop); absent where there is no {@code /proc}.
 */
@Component
public class ProcessMemoryMetrics implements MeterBinder {

	private final Path status;

	public ProcessMemoryMetrics() {
		this(Path.of("/proc/self/status"));
	}

	ProcessMemoryMetrics(Path status) {
		this.status = status;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (Double.isNaN(residentBytes())) {
			return;
		}
		Gauge.builder("process.memory.rss", this, ProcessMemoryMetrics::residentBytes)
			.description("Resident set size of the gateway process")
			.baseUnit("bytes")
			.register(registry);
	}

	double residentBytes() {
		try {
			for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
				if (line.startsWith("VmRSS:")) {
					String[] parts = line.substring(6).trim().split("\\s+");
					return Double.parseDouble(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// no /proc (not Linux) or an unexpected format: no reading
		}
		return Double.NaN;
	}

}
