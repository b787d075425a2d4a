package io.tollgate.gateway.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tollgate.gateway.TollgateApplication;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One gateway replica: the real application on random ports. Settings are passed as command-line arguments so they
 * win over application.yml (server.port 8080 there).
 */
final class Replica implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private final int managementPort;

	private Replica(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		this.managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
	}

	static Builder builder() {
		return new Builder();
	}

	int port() {
		return port;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + port;
	}

	String managementUrl() {
		return "http://127.0.0.1:" + managementPort;
	}

	<T> T bean(Class<T> type) {
		return context.getBean(type);
	}

	@Override
	public void close() {
		context.close();
	}

	static final class Builder {

		private final Map<String, Object> properties = new LinkedHashMap<>();

		private Builder() {
			properties.put("server.port", "0");
			properties.put("management.server.port", "0");
			properties.put("spring.cloud.gateway.server.webflux.httpclient.response-timeout", "10s");
			properties.put("spring.data.redis.url", "redis://127.0.0.1:1");
		}

		Builder redis(RedisExtension redis) {
			properties.remove("spring.data.redis.url");
			properties.putAll(redis.springProperties());
			return this;
		}

		/** Redis reached through another address (a TCP proxy). */
		Builder redisUrl(String url) {
			properties.put("spring.data.redis.url", url);
			return this;
		}

		Builder jwt(TestIdentityProvider idp) {
			properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", idp.issuer());
			properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", idp.jwksUri());
			properties.put("spring.security.oauth2.resourceserver.jwt.audiences", idp.audience());
			return this;
		}

		Builder property(String name, Object value) {
			properties.put(name, value);
			return this;
		}

		Builder routes(String upstream, List<LimitedRoute> routes) {
			for (int i = 0; i < routes.size(); i++) {
				routes.get(i).addTo(this, i, upstream);
			}
			return this;
		}

		Replica start() {
			List<String> args = new ArrayList<>();
			properties.forEach((k, v) -> args.add("--" + k + "=" + v));
			return new Replica(new SpringApplicationBuilder(TollgateApplication.class).run(args.toArray(String[]::new)));
		}
	}
}
