package io.tollgate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.RawHttp;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.http.KeepAliveReadFix;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Keep-alive connections at both ports. Every request on a connection is answered, after
 * any mix of answers written at once and answers written later from another thread (a
 * Redis reply): Reactor Netty 1.3.6 could leave the next request unread
 * ({@link KeepAliveReadFix}). And a request refused before its body was read (401, 403,
 * 404, a bad precondition), whose body reaches the gateway after the refusal: the body's
 * bytes are never read as the next request on that connection. Either the gateway reads
 * past them, or it closes the connection; a keep-alive client never waits for an answer
 * that does not come.
 */
class KeepAliveConnectionsTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static GatewayInstance gateway;

	@BeforeAll
	static void start() {
		gateway = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.route(Route.id("secured").uri(upstream.url()).path("/secured/**"))
			.route(Route.id("open").uri(upstream.url()).path("/open/**").publicRoute())
			.start();
	}

	@AfterAll
	static void stop() {
		if (gateway != null) {
			gateway.close();
		}
	}

	@Test
	void dataPort_refusedWithoutAToken_thenTheNextRequestIsAnswered() throws Exception {
		assertNextRequestAnswered(gateway.port(), "POST /secured/x", "/open/y", 401);
	}

	@Test
	void managementPort_adminWriteWithoutAToken_thenTheNextRequestIsAnswered() throws Exception {
		assertNextRequestAnswered(gateway.managementPort(), "PUT /admin/v1/plans/gold", "/actuator/health/liveness",
				401);
	}

	@Test
	void managementPort_adminWriteWithTheWrongScope_thenTheNextRequestIsAnswered() throws Exception {
		String reader = idp.token("rita", "tollgate:admin:read");
		assertNextRequestAnswered(gateway.managementPort(), "PUT /admin/v1/plans/gold",
				"Authorization: Bearer " + reader, "/actuator/health/liveness", 403);
	}

	@Test
	void afterAnAnswerFromAnotherThreadAndOneWrittenAtOnce_theNextRequestIsServed() throws Exception {
		assertThat(System.getProperty(KeepAliveReadFix.PROPERTY)).as("set by the gateway at start").isEqualTo("true");
		String reader = idp.token("rita", "tollgate:admin:read");
		// 404: a Redis read, answered from Lettuce's thread; 400: refused at once
		List<String> sequence = List.of("/admin/v1/plans/nothing-here", "/admin/v1/consumers?limit=0",
				"/admin/v1/plans", "/admin/v1/plans/nothing-here", "/admin/v1/consumers?limit=0", "/admin/v1/status");
		for (int connection = 0; connection < 40; connection++) {
			try (Socket socket = RawHttp.connect(gateway.managementPort(), "127.0.0.1")) {
				socket.setSoTimeout(3000);
				for (String path : sequence) {
					RawHttp.send(socket, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
							+ reader + "\r\n\r\n");
					String r = RawHttp.readResponse(socket);
					assertThat(r).as("connection %d, %s", connection, path).isNotNull();
					assertThat(RawHttp.status(r)).as(r).isIn(200, 400, 404);
				}
			}
		}
	}

	@Test
	void managementPort_adminRefusalsInARow_keepTheConnectionUsable() throws Exception {
		String reader = idp.token("rita", "tollgate:admin:read");
		try (Socket socket = RawHttp.connect(gateway.managementPort(), "127.0.0.1")) {
			socket.setSoTimeout(5000);
			for (String path : new String[] { "/admin/v1/consumers?limit=0", "/admin/v1/consumers?limit=501",
					"/admin/v1/plans/nothing-here", "/admin/v1/consumers?limit=ten" }) {
				RawHttp.send(socket,
						"GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + reader + "\r\n\r\n");
				String r = RawHttp.readResponse(socket);
				assertThat(r).as(path).isNotNull();
				assertThat(RawHttp.status(r)).as(r).isIn(400, 404);
				assertThat(RawHttp.body(r).length()).as(r)
					.isEqualTo(Integer.parseInt(RawHttp.header(r, "Content-Length").trim()));
			}
			RawHttp.send(socket,
					"GET /admin/v1/plans HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + reader + "\r\n\r\n");
			String ok = RawHttp.readResponse(socket);
			assertThat(RawHttp.status(ok)).as(ok).isEqualTo(200);
		}
	}

	static void assertNextRequestAnswered(int port, String requestLine, String nextPath, int refusal) throws Exception {
		assertNextRequestAnswered(port, requestLine, null, nextPath, refusal);
	}

	static void assertNextRequestAnswered(int port, String requestLine, String header, String nextPath, int refusal)
			throws Exception {
		String body = "{\"limits\":[\"10/1s\"],\"description\":\"" + "x".repeat(200) + "\"}";
		try (Socket socket = RawHttp.connect(port, "127.0.0.1")) {
			socket.setSoTimeout(5000);
			RawHttp.send(socket, requestLine + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ (header == null ? "" : header + "\r\n") + "Content-Length: " + body.length() + "\r\n\r\n");
			// the refusal comes before the body is sent, as a client that waits for
			// nothing
			// (or for 100-continue) would see it
			String refused = RawHttp.readResponse(socket);
			assertThat(RawHttp.status(refused)).as(refused).isEqualTo(refusal);
			boolean closing = "close".equalsIgnoreCase(RawHttp.header(refused, "Connection"));
			if (closing) {
				// a refusal that closes the connection: the client opens another one
				assertThat(RawHttp.millisUntilClosed(socket, 3000)).isLessThan(3000);
				return;
			}
			RawHttp.send(socket, body);
			RawHttp.send(socket, "GET " + nextPath + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
			String next = RawHttp.readResponse(socket);
			assertThat(RawHttp.status(next)).as(next).isEqualTo(200);
		}
	}

}
