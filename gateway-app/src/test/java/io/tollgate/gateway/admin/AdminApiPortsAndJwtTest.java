package io.tollgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.admin.AdminHttp.Response;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.jwt.TestIdentityProvider;

/**
 * Where the Admin API is not served, or cannot authorize anyone: without JWT validation,
 * and with the management server on the data port.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminApiPortsAndJwtTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@Test
	void whenNoJwtValidationIsConfigured_thenEveryAdminCallAndActuatorWriteAnswers503NamingTheProperty() {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.property("spring.main.sources", AdminTestBeans.class.getName())
			.start()) {
			AdminHttp admin = new AdminHttp(gateway.managementPort());
			String token = idp.token("alice", "tollgate:admin");
			for (Response r : new Response[] { admin.get("/admin/v1/status", token), admin.get("/admin/v1/plans", null),
					admin.put("/admin/v1/plans/gold", token, "{\"limits\":[\"1/1s\"]}"),
					admin.post("/actuator/circuitbreakers/any", token, "{\"state\":\"open\"}") }) {
				assertThat(r.status()).as(r.toString()).isEqualTo(503);
				assertThat(r.header("Content-Type")).startsWith("application/problem+json");
				assertThat(r.json().get("detail").asString())
					.contains("spring.security.oauth2.resourceserver.jwt.issuer-uri");
			}
			assertThat(admin.get("/actuator/health/liveness", null).status()).isEqualTo(200);
		}
	}

	@Test
	void whenNoKeySecretIsConfigured_thenKeyEndpointsAnswer503NamingTheProperty_andTheRestServes() {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.property("spring.main.sources", AdminTestBeans.class.getName())
			.start()) {
			AdminHttp admin = new AdminHttp(gateway.managementPort());
			String writer = idp.token("alice", "tollgate:admin");
			assertThat(admin.put("/admin/v1/consumers/acme", writer, "{\"name\":\"Acme\"}").status()).isIn(200, 201);
			Response r = admin.post("/admin/v1/consumers/acme/keys", writer, null);
			assertThat(r.status()).as(r.toString()).isEqualTo(503);
			assertThat(r.header("Content-Type")).startsWith("application/problem+json");
			assertThat(r.json().get("detail").asString()).contains("tollgate.api-keys.secret");
			assertThat(admin.get("/admin/v1/consumers/acme/keys", idp.token("rita", "tollgate:admin:read")).status())
				.isEqualTo(503);
			assertThat(admin.get("/admin/v1/plans", writer).status()).isEqualTo(200);
		}
	}

	@Test
	void whenManagementSharesTheDataPortWithTheShippedConfiguration_thenStartupIsRefused() {
		int port = freePort();
		assertThatThrownBy(() -> GatewayInstance.builder()
			.jwt(idp)
			.property("server.port", port)
			.property("management.server.port", port)
			.start()
			.close()).hasStackTraceContaining("management-specific server address cannot be configured".substring(1));
	}

	@Test
	void whenManagementSharesTheDataPort_thenTheAdminApiIsNotServed_andActuatorWritesStillNeedAnAdminToken(
			CapturedOutput output) {
		int port = freePort();
		// without the shipped application.yml, which binds the management server to
		// loopback (a separate address needs a separate port)
		try (GatewayInstance gateway = GatewayInstance.builder()
			.jwt(idp)
			.redis(redis)
			.property("spring.config.location", "optional:file:./no-such-config/")
			.property("spring.main.sources", AdminTestBeans.class.getName())
			.property("server.port", port)
			.property("management.server.port", port)
			.property("management.endpoints.web.exposure.include", "health,circuitbreakers")
			.start()) {
			assertThat(gateway.managementPort()).isEqualTo(gateway.port());
			AdminHttp http = new AdminHttp(port);
			String token = idp.token("alice", "tollgate:admin");
			for (String path : new String[] { "/admin/v1/status", "/admin/v1/plans", "/admin/v1/openapi.json" }) {
				Response r = http.get(path, token);
				assertThat(r.status()).as(path).isEqualTo(404);
				assertThat(r.body()).contains("No route matches this request");
			}
			assertThat(http.put("/admin/v1/plans/gold", token, "{\"limits\":[\"1/1s\"]}").status()).isEqualTo(404);
			assertThat(output.getOut()).contains("The Admin API (/admin/v1) is not served");

			Response noToken = http.post("/actuator/circuitbreakers/any", null, "{\"state\":\"open\"}");
			assertThat(noToken.status()).isEqualTo(401);
			assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer");
			assertThat(http
				.post("/actuator/circuitbreakers/any", idp.token("rita", "tollgate:admin:read"), "{\"state\":\"open\"}")
				.status()).isEqualTo(403);
			assertThat(http.post("/actuator/circuitbreakers/any", token, "{\"state\":\"open\"}").status()).isNotIn(401,
					403, 503);
			assertThat(http.get("/actuator/health", null).status()).isNotIn(401, 403);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
