package io.tollgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import io.tollgate.gateway.admin.AdminHttp.Response;
import io.tollgate.gateway.registry.ManagementSync;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * {@code GET /admin/v1/status} with two replicas heartbeating through a real Redis: each
 * one's reported revision, and the lag of the one behind, measured from the commit time
 * of the oldest revision it lacks.
 */
class AdminStatusReplicasTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	static GatewayInstance a;

	static GatewayInstance b;

	@BeforeAll
	static void start() {
		a = replica("replica-a");
		b = replica("replica-b");
	}

	static GatewayInstance replica(String id) {
		return GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.property("spring.main.sources", AdminTestBeans.class.getName())
			.property("tollgate.replica.id", id)
			.start();
	}

	@AfterAll
	static void stop() {
		if (b != null) {
			b.close();
		}
		if (a != null) {
			a.close();
		}
	}

	@Test
	void statusShowsEachReplicasRevision_andTheLagOfOneBehind() throws Exception {
		AdminHttp admin = new AdminHttp(a.managementPort());
		String token = idp.token("alice", "tollgate:admin");
		assertThat(admin.put("/admin/v1/plans/one", token, "{\"limits\":[\"1/1s\"]}").status()).isEqualTo(201);
		// both replicas apply revision 1 through their own sync
		awaitStatus(admin, token, s -> revisionOf(s, "replica-a") == 1 && revisionOf(s, "replica-b") == 1);
		// replica-b stops applying changes (as one cut off from announcements would)
		ManagementSync lagging = b.bean(ManagementSync.class);
		lagging.stop();
		Thread.sleep(200);
		long before2 = System.currentTimeMillis();
		assertThat(admin.put("/admin/v1/plans/two", token, "{\"limits\":[\"2/1s\"]}").status()).isEqualTo(201);
		long after2 = System.currentTimeMillis();
		Thread.sleep(200);
		assertThat(admin.put("/admin/v1/plans/three", token, "{\"limits\":[\"3/1s\"]}").status()).isEqualTo(201);

		long statusStart = System.currentTimeMillis();
		JsonNode status = awaitStatus(admin, token,
				s -> revisionOf(s, "replica-a") == 3 && revisionOf(s, "replica-b") == 1);
		long statusEnd = System.currentTimeMillis();
		assertThat(status.get("revision").asLong()).isEqualTo(3);
		assertThat(replica(status, "replica-a").get("lagMillis").asLong()).isZero();
		long lag = replica(status, "replica-b").get("lagMillis").asLong();
		// revision 2, the oldest replica-b lacks, was committed between before2 and
		// after2
		assertThat(lag).isBetween(statusStart - after2 - 50, statusEnd - before2 + 50).isGreaterThanOrEqualTo(200);

		lagging.start();
		JsonNode caughtUp = awaitStatus(admin, token, s -> revisionOf(s, "replica-b") == 3);
		assertThat(replica(caughtUp, "replica-b").get("lagMillis").asLong()).isZero();
		assertThat(new AdminHttp(a.managementPort()).get("/admin/v1/status", idp.token("rita", "tollgate:admin:read"))
			.status()).isEqualTo(200);
	}

	static JsonNode awaitStatus(AdminHttp admin, String token, Predicate<JsonNode> condition) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		JsonNode last = null;
		while (System.nanoTime() < deadline) {
			Response r = admin.get("/admin/v1/status", token);
			assertThat(r.status()).isEqualTo(200);
			last = r.json();
			if (condition.test(last)) {
				return last;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("Status never matched: " + last);
	}

	static JsonNode replica(JsonNode status, String id) {
		for (JsonNode r : status.get("replicas")) {
			if (r.get("id").asString().equals(id)) {
				return r;
			}
		}
		return null;
	}

	static long revisionOf(JsonNode status, String id) {
		JsonNode r = replica(status, id);
		return r == null || r.get("revision").isNull() ? -1 : r.get("revision").asLong();
	}

}
