package io.tollgate.gateway.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.tollgate.gateway.TollgateApplication;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * A running Tollgate gateway for tests: the real application, on random ports, configured
 * by properties. Several can run side by side (replicas sharing one Redis).
 */
public final class GatewayInstance implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private final int managementPort;

	private GatewayInstance(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		String mgmt = context.getEnvironment().getProperty("local.management.port");
		this.managementPort = mgmt == null ? port : Integer.parseInt(mgmt);
	}

	public static Builder builder() {
		return new Builder();
	}

	public int port() {
		return port;
	}

	public int managementPort() {
		return managementPort;
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + port;
	}

	public WebTestClient client() {
		return WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(20)).build();
	}

	public WebTestClient management() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + managementPort)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	public ConfigurableApplicationContext context() {
		return context;
	}

	public <T> T bean(Class<T> type) {
		return context.getBean(type);
	}

	@Override
	public void close() {
		context.close();
	}

	public static final class Builder {

		private final Map<String, Object> properties = new LinkedHashMap<>();

		private final List<Route> routes = new ArrayList<>();

		private Builder() {
			properties.put("server.port", "0");
			properties.put("management.server.port", "0");
			properties.put("tollgate.upstream.response-timeout", "10s");
			// no load balancer watches these in-JVM instances: close without the
			// readiness drain
			properties.put("tollgate.lifecycle.drain-delay", "0s");
			// nothing from the developer's machine: no Redis unless a test names one
			properties.put("spring.data.redis.url", "redis://127.0.0.1:1");
		}

		public Builder redis(RedisExtension redis) {
			properties.remove("spring.data.redis.url");
			properties.putAll(redis.springProperties());
			return this;
		}

		/**
		 * JWT validation against the test identity provider (JWKS URI + exact issuer +
		 * audience).
		 */
		public Builder jwt(TestIdentityProvider idp) {
			properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", idp.issuer());
			properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", idp.jwksUri());
			properties.put("spring.security.oauth2.resourceserver.jwt.audiences", idp.audience());
			return this;
		}

		public Builder property(String name, Object value) {
			properties.put(name, value);
			return this;
		}

		public Builder route(Route route) {
			routes.add(route);
			return this;
		}

		public GatewayInstance start() {
			Map<String, Object> all = new LinkedHashMap<>(properties);
			for (int i = 0; i < routes.size(); i++) {
				all.putAll(routes.get(i).properties("spring.cloud.gateway.server.webflux.routes[" + i + "]"));
			}
			// command-line arguments: they override application.yml (default properties
			// would not)
			String[] args = all.entrySet()
				.stream()
				.map(e -> "--" + e.getKey() + "=" + e.getValue())
				.toArray(String[]::new);
			ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TollgateApplication.class).run(args);
			return new GatewayInstance(ctx);
		}

	}

}
