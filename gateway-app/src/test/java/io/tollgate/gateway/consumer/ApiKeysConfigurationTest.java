package io.tollgate.gateway.consumer;

import java.security.SecureRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code tollgate.api-keys.secret}: absent (keys disabled, everything else serves), too
 * short (startup fails naming it, never showing it), and set without any JWT validation
 * (API keys alone authenticate callers of routes that are not public).
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysConfigurationTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static GatewayInstance.Builder gateway() {
		return GatewayInstance.builder()
			.redis(redis)
			.route(Route.id("open").uri(upstream.url()).path("/open/**").publicRoute());
	}

	@Test
	void whenNoSecret_thenEveryKeyGets401_keyOperationsAnswer503_andTheLogSaysWhyOnce(CapturedOutput output) {
		try (GatewayInstance gateway = gateway().start()) {
			new ManagedResources(gateway).consumer("acme", "{}");
			assertThat(output.getAll()).contains(
					"API keys are disabled: tollgate.api-keys.secret is not set. Every X-API-Key is refused with 401");
			String key = new ApiKeyFormat(new SecureRandom()).generate();
			for (int i = 0; i < 3; i++) {
				gateway.client()
					.get()
					.uri("/open/x")
					.header("X-API-Key", key)
					.exchange()
					.expectStatus()
					.isUnauthorized()
					.expectHeader()
					.valueEquals("WWW-Authenticate", "ApiKey realm=\"tollgate\"")
					.expectBody()
					.jsonPath("$.detail")
					.isEqualTo("API keys are not accepted by this gateway");
			}
			gateway.client().get().uri("/open/x").exchange().expectStatus().isOk();
			String warning = "An API key was presented, but API keys are disabled: tollgate.api-keys.secret is not set";
			assertThat(output.getAll().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);

			ApiKeyService service = gateway.bean(ApiKeyService.class);
			assertThat(service.available()).isFalse();
			assertThatThrownBy(() -> service.issue("acme", null, null, "tester", false).block())
				.isInstanceOfSatisfying(ManagementProblem.class, p -> {
					assertThat(p.status()).isEqualTo(503);
					assertThat(p.getMessage()).contains("tollgate.api-keys.secret");
				});
			assertThatThrownBy(() -> service.list("acme").block()).isInstanceOfSatisfying(ManagementProblem.class,
					p -> assertThat(p.status()).isEqualTo(503));
		}
	}

	@Test
	void whenSecretTooShort_thenStartupFailsNamingThePropertyButNotItsValue(CapturedOutput output) {
		String secret = "short-" + UUID.randomUUID().toString().substring(0, 8);
		assertThatThrownBy(() -> gateway().property("tollgate.api-keys.secret", secret).start())
			.isInstanceOf(Exception.class);
		String report = output.getAll().substring(output.getAll().indexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("tollgate.api-keys.secret is invalid: it has 14 bytes and must have at least 32")
			.contains("openssl rand -base64 48");
		assertThat(output.getAll()).doesNotContain(secret).doesNotContain("Application run failed");
	}

	@Test
	void whenSecretSetWithoutJwt_thenRoutesThatNeedACallerStartAndAcceptKeys() {
		try (GatewayInstance gateway = gateway()
			.property("tollgate.api-keys.secret", UUID.randomUUID() + "-" + UUID.randomUUID())
			.route(Route.id("secured").uri(upstream.url()).path("/secured/**"))
			.start()) {
			new ManagedResources(gateway).consumer("acme", "{}");
			String key = gateway.bean(ApiKeyService.class).issue("acme", null, null, "tester", false).block().key();
			gateway.client().get().uri("/secured/x").exchange().expectStatus().isUnauthorized();
			gateway.client().get().uri("/secured/x").header("X-API-Key", key).exchange().expectStatus().isOk();
			// identification runs on the data port only
			gateway.management()
				.get()
				.uri("/actuator/info")
				.header("X-API-Key", "not-a-key")
				.exchange()
				.expectStatus()
				.isOk();
		}
	}

	@Test
	void whenNeitherJwtNorSecret_thenTheStartupReportAlsoOffersApiKeys(CapturedOutput output) {
		assertThatThrownBy(() -> gateway().route(Route.id("secured").uri(upstream.url()).path("/secured/**")).start())
			.isInstanceOf(Exception.class);
		String report = output.getAll().substring(output.getAll().indexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("'secured' (spring.cloud.gateway.server.webflux.routes[1])")
			.contains("Or set tollgate.api-keys.secret so that consumers' API keys (X-API-Key) authenticate callers.");
	}

}
