package io.tollgate.gateway.circuitbreaker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.tollgate.gateway.TollgateApplication;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreaker;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreakers;

/**
 * Several real gateway applications (random ports) in one JVM, sharing one Redis, as
 * replicas behind a load balancer would; plus a blocking HTTP client to talk to them.
 */
final class GatewayReplicas implements AutoCloseable {

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	final List<Replica> replicas = new ArrayList<>();

	/** Boots one replica per property map; every map gets the common properties too. */
	static GatewayReplicas start(Map<String, String> common, List<Map<String, String>> perReplica) {
		GatewayReplicas group = new GatewayReplicas();
		try {
			for (Map<String, String> own : perReplica) {
				Map<String, String> props = new LinkedHashMap<>(base());
				props.putAll(common);
				props.putAll(own);
				group.replicas.add(new Replica(boot(props)));
			}
		}
		catch (RuntimeException ex) {
			group.close();
			throw ex;
		}
		return group;
	}

	static Map<String, String> base() {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("server.port", "0");
		p.put("management.server.port", "0");
		p.put("management.endpoints.web.exposure.include", "health,circuitbreakers");
		p.put("management.endpoint.health.show-details", "always");
		p.put("logging.level.io.tollgate", "INFO");
		// no load balancer watches these in-JVM replicas: close without the readiness
		// drain
		p.put("tollgate.lifecycle.drain-delay", "0s");
		return p;
	}

	private static ConfigurableApplicationContext boot(Map<String, String> props) {
		String[] args = props.entrySet()
			.stream()
			.map(e -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new);
		return new SpringApplicationBuilder(TollgateApplication.class, FallbackEndpoint.class).run(args);
	}

	Replica get(int i) {
		return replicas.get(i);
	}

	@Override
	public void close() {
		for (Replica r : replicas) {
			r.context.close();
		}
	}

	/**
	 * Adds a public route {@code /<id>/**} to {@code uri} guarded by
	 * {@code SharedCircuitBreaker=<breaker>}.
	 */
	static void route(Map<String, String> props, int index, String id, String uri, String... filterArgs) {
		String r = "spring.cloud.gateway.server.webflux.routes[" + index + "].";
		props.put(r + "id", id);
		props.put(r + "uri", uri);
		props.put(r + "predicates[0]", "Path=/" + id + "/**");
		props.put(r + "metadata.public", "true");
		props.put(r + "filters[0].name", "SharedCircuitBreaker");
		for (int i = 0; i + 1 < filterArgs.length; i += 2) {
			props.put(r + "filters[0].args." + filterArgs[i], filterArgs[i + 1]);
		}
	}

	static void waitFor(Duration max, BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + max.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Not within " + max + ": " + what);
			}
			Thread.sleep(10);
		}
	}

	static final class Replica {

		final ConfigurableApplicationContext context;

		final int port;

		final int managementPort;

		Replica(ConfigurableApplicationContext context) {
			this.context = context;
			this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			this.managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
		}

		HttpResponse<String> get(String path) {
			try {
				return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		CompletableFuture<HttpResponse<String>> getAsync(String path) {
			return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		}

		HttpResponse<String> management(String method, String path, String jsonBody) {
			return management(method, path, jsonBody, null);
		}

		/**
		 * A management call with {@code Authorization: Bearer <token>} when a token is
		 * given.
		 */
		HttpResponse<String> management(String method, String path, String jsonBody, String token) {
			try {
				HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
					.timeout(Duration.ofSeconds(10));
				if (token != null) {
					b.header("Authorization", "Bearer " + token);
				}
				b = jsonBody == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody))
					.header("Content-Type", "application/json");
				return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		SharedCircuitBreaker breaker(String name) {
			return context.getBean(SharedCircuitBreakers.class).get(name);
		}

	}

	/**
	 * The fallback target used by routes with
	 * {@code fallback-uri: forward:/fallback/...}.
	 */
	// registered by boot() only: as a @Configuration component scanning would add it to
	// every test gateway
	static class FallbackEndpoint {

		@Bean
		RouterFunction<ServerResponse> breakerFallback() {
			return RouterFunctions.route(RequestPredicates.path("/fallback/**"),
					req -> ServerResponse.ok().header("X-Fallback", "true").bodyValue("fallback for " + req.path()));
		}

	}

}
