package io.tollgate.gateway.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures (prints, asserts nothing about speed) managed APIs at scale: proxy throughput
 * to one API with 10 and with 5,000 APIs published (goal: at least 80 %), a static
 * route's throughput beside them, and how long a change to one API of 5,000 takes from
 * the commit until the gateway serves it. Not part of the suite (no *Test suffix): <pre>
 * ./mvnw -o -q test -pl gateway-app -am -Dtest=ManagedApisBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dbench.seconds=5] [-Dbench.threads=16] [-Dbench.apis=5000] [-Dbench.changes=50]
 * </pre> Definitions are committed to the gateway's in-memory store and applied as a
 * replica's sync applies them ({@link ManagedTestSources#awaitApplied}), so "commit to
 * served" covers validation, the state's swap, the index rebuild and the first request;
 * over Redis the announcement and the incremental read come on top.
 */
class ManagedApisBench {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final int SECONDS = Integer.getInteger("bench.seconds", 5);

	static final int THREADS = Integer.getInteger("bench.threads", 16);

	static final int APIS = Integer.getInteger("bench.apis", 5000);

	static final int CHANGES = Integer.getInteger("bench.changes", 50);

	static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	static String basePath(int i) {
		return "/team" + (i % 50) + "/api" + i + "/v" + (1 + i % 3);
	}

	static String doc(int i, String upstreamPath) {
		return "{\"name\":\"Bench " + i + "\",\"basePath\":\"" + basePath(i) + "\",\"upstream\":\"" + upstream.url()
				+ upstreamPath + "\",\"stripBasePath\":true,\"status\":\"published\",\"auth\":{\"mode\":\"public\"}}";
	}

	@Test
	void throughputAndPropagationWithThousandsOfApis() throws Exception {
		try (GatewayInstance gateway = ManagedTestSources.gateway()
			.redis(redis)
			.property("logging.level.io.tollgate", "WARN")
			.route(Route.id("static").uri(upstream.url()).path("/static/**").publicRoute())
			.start()) {
			int target = 7;
			String managedUrl = gateway.baseUrl() + basePath(target) + "/items/1";
			String staticUrl = gateway.baseUrl() + "/static/items/1";
			publish(gateway, 0, 10);
			assertThat(get(managedUrl).statusCode()).isEqualTo(200);
			load(managedUrl, 2); // warm-up: JIT, connections

			List<double[]> rounds = new ArrayList<>();
			for (int round = 0; round < 2; round++) {
				double few = load(managedUrl, SECONDS);
				double fewStatic = load(staticUrl, SECONDS);
				publish(gateway, 10, APIS);
				double many = load(managedUrl, SECONDS);
				double manyStatic = load(staticUrl, SECONDS);
				rounds.add(new double[] { few, many, fewStatic, manyStatic });
				if (round == 0) {
					unpublish(gateway, 10, APIS);
				}
			}
			assertThat(gateway.bean(ManagedApis.class).index().size()).isEqualTo(APIS);

			List<Long> servedNanos = new ArrayList<>();
			List<Long> applyNanos = new ArrayList<>();
			int changed = 1234 % APIS;
			String changedUrl = gateway.baseUrl() + basePath(changed) + "/items";
			for (int i = 0; i < CHANGES; i++) {
				String path = "/rev" + i;
				long start = System.nanoTime();
				long revision = ManagedTestSources.commitOnly(gateway, "bench-" + changed, doc(changed, path));
				long committed = System.nanoTime();
				ManagedTestSources.awaitApplied(gateway, revision);
				applyNanos.add(System.nanoTime() - committed);
				while (!get(changedUrl).body().contains("\"path\":\"" + path + "/items\"")) {
					if (System.nanoTime() - start > Duration.ofSeconds(5).toNanos()) {
						throw new AssertionError("change " + i + " not served within 5s");
					}
				}
				servedNanos.add(System.nanoTime() - start);
			}

			System.out.println();
			System.out.println("=== Managed APIs benchmark (" + THREADS + " client threads, " + SECONDS
					+ " s per run, 2 cores shared with the client and the upstream) ===");
			for (int r = 0; r < rounds.size(); r++) {
				double[] v = rounds.get(r);
				System.out.printf(Locale.ROOT,
						"round %d: managed API %8.0f req/s with 10 APIs, %8.0f req/s with %d APIs (%5.1f %%);"
								+ " static route %8.0f / %8.0f req/s (%5.1f %%)%n",
						r + 1, v[0], v[1], APIS, 100 * v[1] / v[0], v[2], v[3], 100 * v[3] / v[2]);
			}
			System.out.printf(Locale.ROOT,
					"change to 1 API of %d, commit -> served: p50 %.2f ms, p90 %.2f ms, max %.2f ms"
							+ " (apply + index rebuild: p50 %.2f ms, max %.2f ms), %d changes%n",
					APIS, ms(servedNanos, 50), ms(servedNanos, 90), ms(servedNanos, 100), ms(applyNanos, 50),
					ms(applyNanos, 100), CHANGES);
			System.out.println();
		}
	}

	static void publish(GatewayInstance gateway, int from, int to) {
		long revision = 0;
		List<Write> writes = new ArrayList<>();
		ApiCodec codec = gateway.bean(ApiCodec.class);
		for (int i = from; i < to; i++) {
			ApiDefinition api = codec.parse("bench-" + i, doc(i, "")).value();
			String json = codec.canonical(api);
			writes.add(Write.put(Kind.APIS, "bench-" + i, json, Precondition.any(), codec.uniques(api), null, json));
			if (writes.size() == 500 || i == to - 1) {
				revision = ManagedTestSources.commitBatch(gateway, writes);
				writes.clear();
			}
		}
		awaitLoaded(gateway, revision);
	}

	static void unpublish(GatewayInstance gateway, int from, int to) {
		long revision = 0;
		List<Write> writes = new ArrayList<>();
		for (int i = from; i < to; i++) {
			writes.add(Write.delete(Kind.APIS, "bench-" + i, Precondition.exists()));
			if (writes.size() == 500 || i == to - 1) {
				revision = ManagedTestSources.commitBatch(gateway, writes);
				writes.clear();
			}
		}
		awaitLoaded(gateway, revision);
	}

	/** Thousands of APIs at once may take longer than one change: up to 30 s. */
	static void awaitLoaded(GatewayInstance gateway, long revision) {
		ManagementState state = gateway.bean(ManagementState.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (state.revision() < revision && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(state.revision()).isGreaterThanOrEqualTo(revision);
	}

	static HttpResponse<String> get(String url) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** Closed-loop load on one URL; answers per second (200s only). */
	static double load(String url, int seconds) throws InterruptedException {
		AtomicBoolean running = new AtomicBoolean(true);
		LongAdder ok = new LongAdder();
		LongAdder failed = new LongAdder();
		HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			Thread thread = new Thread(() -> {
				while (running.get()) {
					try {
						int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
						(status == 200 ? ok : failed).increment();
					}
					catch (Exception ex) {
						failed.increment();
					}
				}
			}, "bench-load-" + t);
			thread.setDaemon(true);
			threads.add(thread);
		}
		long start = System.nanoTime();
		threads.forEach(Thread::start);
		Thread.sleep(seconds * 1000L);
		running.set(false);
		long okAtStop = ok.sum();
		double elapsed = (System.nanoTime() - start) / 1e9;
		for (Thread t : threads) {
			t.join(10_000);
		}
		assertThat(failed.sum()).as("failed requests to %s", url).isZero();
		return okAtStop / elapsed;
	}

	static double ms(List<Long> nanos, int percentile) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		int index = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
		return sorted.get(Math.max(0, index)) / 1e6;
	}

}
