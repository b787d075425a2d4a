package io.tollgate.gateway.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local cluster of {@code k6-loadtests/cluster} (2 gateway replicas from the packaged
 * jar, real redis-server, the demo process, HAProxy without retries), driven by Java
 * versions of the k6 scenarios: rate-limit accuracy through the load balancer, and a
 * rolling restart under load that must fail no request. Two replicas rather than three
 * keep the run within about two minutes on a 2-core machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {

	private static final Pattern DRAIN_OVER = Pattern.compile("^(\\S+Z) .*Drain delay over");

	private static LocalCluster cluster;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@BeforeAll
	static void startCluster() throws IOException {
		cluster = LocalCluster.start(2);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	/**
	 * ratelimit-accuracy.js: 40 requests/s offered to the demo route limited to 20/1s
	 * (GCRA, one budget per X-Client-Id), round-robin over both replicas. Admitted
	 * requests must be the burst (20) plus one per 50 ms elapsed, whichever replica
	 * answered.
	 */
	@Test
	@Order(1)
	void whenOverLimitThroughLoadBalancer_thenAdmittedMatchesTheLimitAcrossReplicas() throws Exception {
		drive("warm-up-" + UUID.randomUUID(), Duration.ofSeconds(3));
		long fallbacksBefore = fallbackDecisions();

		List<Sample> samples = drive("accuracy-" + UUID.randomUUID(), Duration.ofSeconds(8));

		assertThat(fallbackDecisions() - fallbacksBefore)
			.as("decisions not made by Redis (timeouts under load) would make the count inexact")
			.isZero();
		List<Sample> admitted = samples.stream().filter(s -> s.status == 200).toList();
		System.out.printf("rate limit: %d offered, %d admitted%n", samples.size(), admitted.size());
		assertThat(samples).allSatisfy(s -> assertThat(s.status).isIn(200, 429));
		assertThat(samples.stream().filter(s -> s.status == 429)).allSatisfy(s -> assertThat(s.retryAfter).isNotNull());
		Instant first = samples.get(0).at;
		Instant last = samples.get(samples.size() - 1).at;
		long expected = 20 + Duration.between(first, last).toMillis() / 50;
		assertThat((long) admitted.size())
			.as("admitted of %d offered in %s", samples.size(), Duration.between(first, last))
			.isBetween(expected - 3, expected + 3);
		assertThat(admitted.stream().collect(Collectors.groupingBy(s -> s.servedBy, Collectors.counting())))
			.as("admitted per replica")
			.containsOnlyKeys("replica-1", "replica-2");
		// steady state: every whole second after the burst admits the rate, 20
		for (int second = 1; second < 7; second++) {
			Instant from = first.plusSeconds(second);
			Instant to = from.plusSeconds(1);
			long inWindow = admitted.stream().filter(s -> !s.at.isBefore(from) && s.at.isBefore(to)).count();
			assertThat(inWindow).as("admitted in second %d", second).isBetween(17L, 23L);
		}
	}

	/**
	 * restart.sh while load runs through HAProxy (no retries): fast public calls, JWT
	 * calls, POSTs and slow /delay/2000 calls must all succeed. Slow calls sent straight
	 * to each replica show that requests in flight when the server stops accepting still
	 * complete.
	 */
	@Test
	@Order(2)
	void whenRollingRestartUnderLoad_thenNoRequestFails() throws Exception {
		String token = http
			.send(HttpRequest
				.newBuilder(URI.create(cluster.issuerUrl() + "/token?sub=roller&scope=orders:read&tier=gold"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body()
			.trim();
		String base = cluster.baseUrl();
		List<DirectProbe> probes = new ArrayList<>();
		Instant began = Instant.now();
		String restartOutput;
		LoadGenerator load = new LoadGenerator();
		try (load) {
			load.workers("hello", 3, () -> LoadGenerator.get(base + "/public/hello").build(), 200, Duration.ofMillis(5))
				.workers("jwt", 1,
						() -> LoadGenerator.get(base + "/orders/1").header("Authorization", "Bearer " + token).build(),
						200, Duration.ofMillis(10))
				.workers("post", 1,
						() -> HttpRequest.newBuilder(URI.create(base + "/public/echo"))
							.timeout(Duration.ofSeconds(30))
							.POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"))
							.build(),
						200, Duration.ofMillis(20))
				.workers("slow", 2, () -> LoadGenerator.get(base + "/public/delay/2000").build(), 200, Duration.ZERO);
			for (int port : cluster.replicaPorts()) {
				probes.add(new DirectProbe(port, "/public/delay/2000", 3, Duration.ofMillis(700)));
			}
			Thread.sleep(3000);
			restartOutput = cluster.rollingRestart(Duration.ofMinutes(4));
			Thread.sleep(3000);
		}
		finally {
			probes.forEach(DirectProbe::close);
		}

		System.out.printf("rolling restart: %d sent through HAProxy, %d ok, served by %s; direct probes %s%n",
				load.sent(), load.ok(), load.servedBy(), probes.stream().map(p -> p.attempts().size()).toList());
		assertThat(restartOutput).contains("rolling restart done");
		assertThat(load.errors()).as("failed requests through the load balancer (%d sent)", load.sent()).isEmpty();
		assertThat(load.ok("slow")).as("slow requests completed").isGreaterThan(4);
		assertThat(load.ok("jwt")).isGreaterThan(10);
		assertThat(load.ok("post")).isGreaterThan(10);
		assertThat(load.servedBy()).containsOnlyKeys("replica-1", "replica-2");
		for (int i = 0; i < probes.size(); i++) {
			String replica = "replica-" + (i + 1);
			Instant drainOver = drainOver(replica, began);
			List<DirectProbe.Attempt> accepted = probes.get(i)
				.attempts()
				.stream()
				.filter(a -> a.start().isBefore(drainOver.minusMillis(50)))
				.toList();
			assertThat(accepted).as("%s: direct requests sent before it stopped accepting", replica)
				.isNotEmpty()
				.allSatisfy(a -> assertThat(a.succeeded()).as("%s", a).isTrue());
			assertThat(accepted).as("%s: a request in flight when the server stopped accepting completed", replica)
				.anySatisfy(a -> assertThat(a.end()).isAfter(drainOver));
		}
	}

	/**
	 * config-propagation.js: APIs published through one replica's Admin API, and a key
	 * revoked there, measured until every replica process answers accordingly on its data
	 * port. Goal of issue #8: within 1 s, p50 at most 300 ms.
	 */
	@Test
	@Order(3)
	void whenApisArePublishedAndAKeyRevokedThroughOneReplica_thenEveryReplicaProcessFollowsWithinASecond()
			throws Exception {
		String admin = token("ops", "tollgate:admin");
		String mgmt = cluster.mgmtUrls().get(0);
		List<Long> publish = new ArrayList<>();
		for (int n = 0; n < 10; n++) {
			String id = "prop-" + UUID.randomUUID().toString().substring(0, 8);
			String body = "{\"name\":\"Propagation\",\"basePath\":\"/" + id + "\",\"upstream\":\""
					+ cluster.upstreamUrl() + "\",\"status\":\"published\",\"auth\":{\"mode\":\"public\"}}";
			assertThat(admin(mgmt, "PUT", "/admin/v1/apis/" + id, body, admin).statusCode()).isEqualTo(201);
			publish.addAll(untilEveryReplica("/" + id + "/hello", 200));
		}
		assertThat(admin(mgmt, "PUT", "/admin/v1/plans/prop", "{\"limits\":[\"1000/1s\"]}", admin).statusCode())
			.isEqualTo(201);
		assertThat(admin(mgmt, "PUT", "/admin/v1/consumers/prop", "{\"name\":\"Prop\",\"plan\":\"prop\"}", admin)
			.statusCode()).isEqualTo(201);
		assertThat(admin(mgmt, "PUT", "/admin/v1/apis/prop-keyed",
				"{\"name\":\"Keyed\",\"basePath\":\"/prop-keyed\",\"upstream\":\"" + cluster.upstreamUrl()
						+ "\",\"status\":\"published\",\"auth\":{\"mode\":\"api-key\"},\"rateLimit\":{\"fromPlan\":true}}",
				admin)
			.statusCode()).isEqualTo(201);
		HttpResponse<String> issued = admin(mgmt, "POST", "/admin/v1/consumers/prop/keys", "{}", admin);
		assertThat(issued.statusCode()).isEqualTo(201);
		String key = field(issued.body(), "key");
		String keyId = field(issued.body(), "id");
		untilEveryReplica("/prop-keyed/hello", 200, "X-API-Key", key);
		assertThat(admin(mgmt, "DELETE", "/admin/v1/consumers/prop/keys/" + keyId, null, admin).statusCode())
			.isEqualTo(204);
		List<Long> revoke = untilEveryReplica("/prop-keyed/hello", 401, "X-API-Key", key);

		System.out.printf(
				"propagation to %d replica processes: publish p50 %d ms, max %d ms (%d samples); "
						+ "revoke max %d ms%n",
				cluster.replicaPorts().size(), percentile(publish, 50), percentile(publish, 100), publish.size(),
				percentile(revoke, 100));
		assertThat(percentile(publish, 100)).as("every replica serves a published API within 1 s").isLessThan(1000);
		assertThat(percentile(publish, 50)).isLessThanOrEqualTo(300);
		assertThat(percentile(revoke, 100)).as("a revoked key is refused everywhere within 1 s").isLessThan(1000);
	}

	private String token(String sub, String scope) throws Exception {
		return http
			.send(HttpRequest.newBuilder(URI.create(cluster.issuerUrl() + "/token?sub=" + sub + "&scope=" + scope))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body()
			.trim();
	}

	private HttpResponse<String> admin(String mgmt, String method, String path, String body, String token)
			throws Exception {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mgmt + path))
			.timeout(Duration.ofSeconds(10))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json");
		b.method(method,
				body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Milliseconds from now until each replica answers {@code status} on {@code path}.
	 */
	private List<Long> untilEveryReplica(String path, int status, String... header) throws Exception {
		long start = System.nanoTime();
		List<Long> took = new ArrayList<>();
		for (int port : cluster.replicaPorts()) {
			while (true) {
				HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(5));
				if (header.length == 2) {
					b.header(header[0], header[1]);
				}
				int got = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
				long elapsed = (System.nanoTime() - start) / 1_000_000;
				if (got == status) {
					took.add(elapsed);
					break;
				}
				assertThat(elapsed).as("replica on :%d answering %d to %s (last %d)", port, status, path, got)
					.isLessThan(5000);
				Thread.sleep(5);
			}
		}
		return took;
	}

	private static long percentile(List<Long> values, int p) {
		List<Long> sorted = values.stream().sorted().toList();
		int i = Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
		return sorted.get(i);
	}

	private static String field(String json, String name) {
		Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
		assertThat(m.find()).as("%s in %s", name, json).isTrue();
		return m.group(1);
	}

	private Instant drainOver(String replica, Instant after) throws IOException {
		for (String line : Files.readAllLines(cluster.log(replica), StandardCharsets.UTF_8)) {
			Matcher m = DRAIN_OVER.matcher(line);
			if (m.find()) {
				Instant at = Instant.parse(m.group(1));
				if (at.isAfter(after)) {
					return at;
				}
			}
		}
		throw new AssertionError(
				replica + " never logged the end of its drain:\n" + LocalCluster.tail(cluster.log(replica)));
	}

	/**
	 * {@code at}: halfway between sending and the answer, the best guess of when Redis
	 * decided (the windows below are counted on it).
	 */
	private record Sample(Instant at, int status, String servedBy, String retryAfter) {
	}

	/** 40 requests/s, sent on schedule whatever the latency, for {@code duration}. */
	private List<Sample> drive(String clientId, Duration duration) throws Exception {
		ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
		List<CompletableFuture<Sample>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
		long count = duration.toMillis() / 25;
		try {
			for (long n = 0; n < count; n++) {
				timer.schedule(() -> {
					Instant sent = Instant.now();
					HttpRequest req = LoadGenerator.get(cluster.baseUrl() + "/limited/x")
						.header("X-Client-Id", clientId)
						.build();
					futures.add(http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
						.thenApply(res -> new Sample(midpoint(sent, Instant.now()), res.statusCode(),
								res.headers().firstValue("X-Served-By").orElse("?"),
								res.headers().firstValue("Retry-After").orElse(null))));
				}, n * 25, TimeUnit.MILLISECONDS);
			}
			timer.shutdown();
			assertThat(timer.awaitTermination(duration.toMillis() + 10_000, TimeUnit.MILLISECONDS)).isTrue();
			List<Sample> samples = new ArrayList<>();
			for (CompletableFuture<Sample> f : futures) {
				samples.add(f.get(30, TimeUnit.SECONDS));
			}
			samples.sort((a, b) -> a.at.compareTo(b.at));
			return samples;
		}
		finally {
			timer.shutdownNow();
		}
	}

	private String scrape(String mgmt) throws Exception {
		return http
			.send(HttpRequest.newBuilder(URI.create(mgmt + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static Instant midpoint(Instant a, Instant b) {
		return a.plusNanos(Duration.between(a, b).toNanos() / 2);
	}

	private long fallbackDecisions() throws Exception {
		long total = 0;
		for (String mgmt : cluster.mgmtUrls()) {
			String metrics = scrape(mgmt);
			// soak.js reads it
			assertThat(metrics).contains("process_memory_rss_bytes");
			for (String line : metrics.split("\n")) {
				if (line.startsWith("tollgate_ratelimit_decisions_total{") && line.contains("outcome=\"fallback\"")
						&& line.contains("route=\"demo-limited\"")) {
					total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				}
			}
		}
		return total;
	}

}
