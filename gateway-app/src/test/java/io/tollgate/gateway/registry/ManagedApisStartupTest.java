package io.tollgate.gateway.registry;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a gateway's own configuration does to managed APIs: JWT auth modes need JWT
 * validation, and {@code tollgate.admin.allowed-upstreams} is checked at startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class ManagedApisStartupTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void withoutJwtValidation_jwtModesAreRefusedWithAClearDetail_andApiKeyApisServe() {
		try (GatewayInstance gateway = ManagedTestSources.gateway().redis(redis).start()) {
			ApiCodec codec = gateway.bean(ApiCodec.class);
			for (String mode : List.of("jwt", "jwt-or-api-key")) {
				ResourceCodec.Parsed<ApiDefinition> parsed = codec.parse("a",
						"{\"name\":\"A\",\"basePath\":\"/a\",\"upstream\":\"" + upstream.url()
								+ "\",\"status\":\"published\",\"auth\":{\"mode\":\"" + mode + "\"}}");
				assertThat(parsed.errors()).singleElement().satisfies(e -> {
					assertThat(e.field()).isEqualTo("auth.mode");
					assertThat(e.detail()).contains("needs JWT validation, and this gateway has none",
							"spring.security.oauth2.resourceserver.jwt.issuer-uri");
				});
			}
			ManagedTestSources.put(gateway, "keyed", "{\"name\":\"K\",\"basePath\":\"/keyed\",\"upstream\":\""
					+ upstream.url() + "\",\"status\":\"published\",\"auth\":{\"mode\":\"api-key\"}}");
			gateway.client().get().uri("/keyed/x").exchange().expectStatus().isUnauthorized();
			ManagedTestSources.consumer(gateway, "acme", "{}");
			String key = ManagedTestSources.issueKey(gateway, "acme");
			gateway.client().get().uri("/keyed/x").header("X-API-Key", key).exchange().expectStatus().isOk();
		}
	}

	@Test
	void allowedUpstreams_openAListedMetadataAddress() {
		try (GatewayInstance gateway = ManagedTestSources.gateway()
			.redis(redis)
			.property("tollgate.admin.allowed-upstreams", "169.254.170.2, 169.254.169.0/28")
			.start()) {
			ApiCodec codec = gateway.bean(ApiCodec.class);
			String doc = "{\"name\":\"A\",\"basePath\":\"/a\",\"upstream\":\"%s\",\"auth\":{\"mode\":\"public\"}}";
			assertThat(codec.parse("a", doc.formatted("http://169.254.170.2/v2")).errors()).isEmpty();
			assertThat(codec.parse("a", doc.formatted("http://169.254.169.14")).errors()).isEmpty();
			assertThat(codec.parse("a", doc.formatted("http://169.254.169.254")).errors()).singleElement()
				.satisfies(e -> assertThat(e.field()).isEqualTo("upstream"));
		}
	}

	@Test
	void aBadAllowedUpstream_failsTheStartup_namingThePropertyAndTheEntry(CapturedOutput output) {
		GatewayInstance.Builder gateway = ManagedTestSources.gateway()
			.redis(redis)
			.property("tollgate.admin.allowed-upstreams", "169.254.170.2,169.254.0.0/99");
		assertThatThrownBy(gateway::start).hasStackTraceContaining("tollgate.admin.allowed-upstreams");
		String report = output.getAll().substring(output.getAll().indexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("tollgate.admin.allowed-upstreams")
			.contains("tollgate.admin.allowed-upstreams[1]: '169.254.0.0/99' is not a host name, an IP address or a"
					+ " CIDR range");
		assertThat(output.getAll()).as("no stack trace for the user").doesNotContain("\tat ");
	}

}
