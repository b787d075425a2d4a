package io.tollgate.gateway.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.RawHttp;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the Grafana dashboard ({@code deploy/grafana}) and the alert rules
 * ({@code deploy/prometheus}) query exists in {@code /actuator/prometheus} of a gateway
 * with the shipped configuration, after traffic to every kind of route: a public route, a
 * JWT route with {@code RequireScopes}, {@code ClusterRateLimit} (admitted and limited),
 * {@code SharedCircuitBreaker}, and a request refused at the edge.
 */
class DashboardAndAlertMetricsTest {

	private static final Pattern METRIC = Pattern
		.compile("\\b((?:spring_cloud_gateway|tollgate|jvm|process|reactor_netty|http_server)_[a-z0-9_]+)\\b");

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@Test
	void everyMetricOfTheDashboardAndTheAlertsIsExported() throws Exception {
		Set<String> queried = new TreeSet<>();
		queried.addAll(dashboardMetrics());
		queried.addAll(alertMetrics());
		assertThat(queried).contains("tollgate_redis_available", "tollgate_ratelimit_decisions_total",
				"spring_cloud_gateway_requests_seconds_bucket", "tollgate_circuitbreaker_state");

		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.route(Route.id("public").uri(upstream.url()).path("/public/**").publicRoute())
			.route(Route.id("orders").uri(upstream.url()).path("/orders/**").filter("RequireScopes=orders:read"))
			.route(Route.id("limited")
				.uri(upstream.url())
				.path("/limited/**")
				.publicRoute()
				.filter("ClusterRateLimit=2/1m, ip"))
			.route(Route.id("guarded")
				.uri(upstream.url())
				.path("/guarded/**")
				.publicRoute()
				.filter("SharedCircuitBreaker=dashboard"))
			.start()) {
			gateway.client().get().uri("/public/1").exchange().expectStatus().isOk();
			gateway.client()
				.get()
				.uri("/orders/1")
				.header("Authorization", "Bearer " + idp.token("alice", "orders:read"))
				.exchange()
				.expectStatus()
				.isOk();
			for (int i = 0; i < 3; i++) {
				gateway.client().get().uri("/limited/" + i).exchange();
			}
			gateway.client().get().uri("/limited/x").exchange().expectStatus().isEqualTo(429);
			gateway.client().get().uri("/guarded/1").exchange().expectStatus().isOk();
			gateway.client().get().uri("/nowhere").exchange().expectStatus().isNotFound();
			String refused = RawHttp.exchange(gateway.port(),
					"GET /public/1 HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
			assertThat(RawHttp.status(refused)).isEqualTo(400);

			// JVM GC meters appear with the first pause the context observes
			System.gc();
			Set<String> exported = scrape(gateway);
			for (int i = 0; i < 40 && !exported.containsAll(queried); i++) {
				Thread.sleep(250);
				exported = scrape(gateway);
			}

			Set<String> scraped = exported;
			assertThat(queried).as("queried by the dashboard or the alerts, absent from /actuator/prometheus")
				.allSatisfy(metric -> assertThat(scraped).contains(metric));
		}
	}

	private static Set<String> scrape(GatewayInstance gateway) {
		String scrape = gateway.management()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		Set<String> exported = new TreeSet<>();
		scrape.lines()
			.filter(line -> !line.startsWith("#") && !line.isBlank())
			.map(line -> line.split("[{ ]", 2)[0])
			.forEach(exported::add);
		return exported;
	}

	private static Set<String> dashboardMetrics() throws IOException {
		JsonNode dashboard = JsonMapper.builder()
			.build()
			.readTree(Files.readString(Path.of("..", "deploy", "grafana", "tollgate-dashboard.json")));
		Set<String> metrics = new TreeSet<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				metrics.addAll(metrics(target.path("expr").asString()));
			}
		}
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			metrics.addAll(metrics(variable.path("definition").asString("")));
		}
		assertThat(metrics).isNotEmpty();
		return metrics;
	}

	@SuppressWarnings("unchecked")
	private static Set<String> alertMetrics() throws IOException {
		Map<String, Object> rules = new Yaml()
			.load(Files.readString(Path.of("..", "deploy", "prometheus", "tollgate-alerts.yaml")));
		Set<String> metrics = new TreeSet<>();
		for (Map<String, Object> group : (Iterable<Map<String, Object>>) rules.get("groups")) {
			for (Map<String, Object> rule : (Iterable<Map<String, Object>>) group.get("rules")) {
				assertThat(rule).containsKeys("alert", "expr", "for", "labels", "annotations");
				metrics.addAll(metrics((String) rule.get("expr")));
			}
		}
		assertThat(metrics).isNotEmpty();
		return metrics;
	}

	private static Set<String> metrics(String expr) {
		Set<String> names = new TreeSet<>();
		Matcher m = METRIC.matcher(expr);
		while (m.find()) {
			names.add(m.group(1));
		}
		return names;
	}

}
