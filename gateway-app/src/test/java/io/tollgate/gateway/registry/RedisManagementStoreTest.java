package io.tollgate.gateway.registry;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The store contract on Redis; subclasses say which Redis (standalone, Cluster).
 */
abstract class RedisManagementStoreTest extends ManagementStoreContract {

	private static RedisLayer layer;

	RedisManagementStore store;

	abstract RedisExtension redis();

	RedisLayer layer() {
		if (layer == null) {
			layer = RedisLayer.on(redis());
		}
		return layer;
	}

	@BeforeEach
	void freshStore() {
		redis().flushAll();
		// a channel of its own: a Cluster forwards messages between nodes late, and a
		// previous test's announcements must not reach this test's subscriber
		this.store = layer().store(AuditChain.of("s3cret"), new RedisManagementStore.Settings(
				RedisManagementStore.CHANNEL + ":" + java.util.UUID.randomUUID(), 10_000, 1000, 1000));
	}

	@AfterAll
	static void closeLayer() {
		if (layer != null) {
			layer.close();
			layer = null;
		}
	}

	@Override
	protected ResourceStore resources() {
		return this.store;
	}

	@Override
	protected ChangeFeed feed() {
		return this.store;
	}

	@Override
	protected AuditLog audit() {
		return this.store;
	}

	@Override
	protected void tamperWithAudit(long seq) {
		var list = layer().template.opsForList();
		List<String> all = list.range(RedisManagementStore.AUDIT, 0, -1).collectList().block(T);
		for (int i = 0; i < all.size(); i++) {
			AuditEntry e = AuditEntryJson.decode(all.get(i));
			if (e != null && e.seq() == seq) {
				AuditEntry edited = new AuditEntry(e.seq(), e.at(), "mallory", e.action(), e.kind(), e.id(),
						e.revision(), e.before(), e.after(), e.prev(), e.hash());
				list.set(RedisManagementStore.AUDIT, i, AuditEntryJson.encode(edited)).block(T);
				return;
			}
		}
		throw new AssertionError("no audit entry " + seq);
	}

	@Override
	protected void awaitDelivery(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not delivered within 10 s");
			}
			Thread.sleep(10);
		}
	}

}
