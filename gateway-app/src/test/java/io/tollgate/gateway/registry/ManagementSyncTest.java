package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import io.tollgate.testsupport.redis.RedisExtension;

/**
 * A replica's sync against a real Redis: loads at start, applies incrementally, reloads
 * after a gap or a reset, never applies twice or out of order, validates what it reads,
 * writes the disk snapshot.
 */
class ManagementSyncTest {

	static final Duration T = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static RedisLayer layer;

	@TempDir
	Path dir;

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final List<ManagementChanges> heard = new CopyOnWriteArrayList<>();

	RedisManagementStore writer;

	ManagementState state;

	ManagementSync sync;

	@BeforeAll
	static void start() {
		layer = RedisLayer.on(redis);
	}

	@AfterAll
	static void stop() {
		layer.close();
	}

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.writer = layer.store();
		this.state = new ManagementState(List.of(new TestPlanCodec()), new InvalidResources(this.meters));
		this.state.addListener((changes, view) -> this.heard.add(changes));
	}

	@AfterEach
	void tearDown() {
		if (this.sync != null) {
			this.sync.stop();
		}
	}

	ManagementSync startSync(ManagementSnapshotFile file) {
		this.sync = new ManagementSync(layer.store(), this.state, file, null, Duration.ofSeconds(5));
		this.sync.start();
		return this.sync;
	}

	static Commit put(ResourceStore store, String id, String json) {
		return store
			.commit(Batch.of("admin", "replace",
					Write.put(Kind.PLANS, id, json, Precondition.any(), Set.of(), null, json)))
			.block(T);
	}

	static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition within %s", limit).isLessThan(deadline);
			Thread.sleep(5);
		}
	}

	TestPlanCodec.Plan plan(String id) {
		return this.state.get(Kind.PLANS, id, TestPlanCodec.Plan.class);
	}

	@Test
	void whenStarted_thenTheStoreIsLoadedBeforeStartReturns() {
		put(this.writer, "gold", TestPlanCodec.plan("Gold", "100/1s"));
		put(this.writer, "silver", TestPlanCodec.plan("Silver", "10/1s"));
		startSync(null);
		assertThat(this.state.revision()).isEqualTo(2);
		assertThat(plan("gold").limits()).containsExactly("100/1s");
		assertThat(this.heard).hasSize(1);
		assertThat(this.heard.get(0).full()).isTrue();
	}

	@Test
	void whenChangesAreCommitted_thenEachIsAppliedIncrementally() throws Exception {
		put(this.writer, "gold", TestPlanCodec.plan("Gold", "100/1s"));
		startSync(null);
		put(this.writer, "silver", TestPlanCodec.plan("Silver", "10/1s"));
		await(Duration.ofSeconds(1), () -> this.state.revision() == 2);
		ManagementChanges added = this.heard.get(this.heard.size() - 1);
		assertThat(added.full()).isFalse();
		assertThat(added.changed().get(Kind.PLANS)).containsExactly("silver");

		this.writer.commit(Batch.of("admin", "delete", Write.delete(Kind.PLANS, "gold", Precondition.any()))).block(T);
		await(Duration.ofSeconds(1), () -> this.state.revision() == 3);
		ManagementChanges removed = this.heard.get(this.heard.size() - 1);
		assertThat(removed.full()).isFalse();
		assertThat(removed.deleted().get(Kind.PLANS)).containsExactly("gold");
		assertThat(plan("gold")).isNull();
		assertThat(plan("silver")).isNotNull();
	}

	@Test
	void whenTheFeedNoLongerReachesBack_thenTheReplicaLoadsASnapshot() throws Exception {
		startSync(null);
		// an announced change applied: the subscription is in place and has caught up
		put(this.writer, "p0", TestPlanCodec.plan("P", "1/1s"));
		await(Duration.ofSeconds(2), () -> this.state.revision() == 1);
		// commits nobody hears, beyond a feed of 3
		RedisManagementStore silent = layer.store(AuditChain.of("s3cret"),
				new RedisManagementStore.Settings("tollgate:mgmt:nobody", 3, 1000, 1000));
		for (int i = 1; i <= 5; i++) {
			put(silent, "p" + i, TestPlanCodec.plan("P", "1/1s"));
		}
		assertThat(layer.store().changesSince(1).block(T).gap()).isTrue();
		assertThat(this.state.revision()).isEqualTo(1);
		this.sync.requestSync();
		await(Duration.ofSeconds(1), () -> this.state.revision() == 6);
		assertThat(this.heard.get(this.heard.size() - 1).full()).isTrue();
		assertThat(this.state.all(Kind.PLANS, TestPlanCodec.Plan.class)).hasSize(6);
	}

	@Test
	void whenTheStoreWasResetBehindTheReplica_thenTheReplicaReloadsIt() throws Exception {
		for (int i = 1; i <= 3; i++) {
			put(this.writer, "p" + i, TestPlanCodec.plan("P", "1/1s"));
		}
		startSync(null);
		assertThat(this.state.revision()).isEqualTo(3);
		redis.flushAll();
		put(this.writer, "fresh", TestPlanCodec.plan("Fresh", "1/1s"));
		await(Duration.ofSeconds(1), () -> this.state.revision() == 1);
		assertThat(this.state.all(Kind.PLANS, TestPlanCodec.Plan.class)).containsOnlyKeys("fresh");
	}

	@Test
	void whenCommitsAndWakeUpsRace_thenEveryChangeIsAppliedOnce_inRevisionOrder() throws Exception {
		startSync(null);
		AtomicBoolean racing = new AtomicBoolean(true);
		ExecutorService wakers = Executors.newFixedThreadPool(4);
		for (int t = 0; t < 4; t++) {
			wakers.submit(() -> {
				while (racing.get()) {
					this.sync.requestSync();
					java.util.concurrent.locks.LockSupport.parkNanos(100_000);
				}
			});
		}
		try {
			List<Commit> commits = Flux.range(0, 40)
				.flatMap(i -> this.writer.commit(Batch.of("admin", "create",
						Write.put(Kind.PLANS, "p" + i, TestPlanCodec.plan("P", "1/1s"), Precondition.absent(), Set.of(),
								null, "{}"))),
						8)
				.collectList()
				.block(T);
			assertThat(commits).allMatch(Commit::committed);
			await(Duration.ofSeconds(2), () -> this.state.revision() == 40);
		}
		finally {
			racing.set(false);
			wakers.shutdownNow();
		}
		List<Long> revisions = new ArrayList<>();
		Map<String, Integer> applications = new HashMap<>();
		for (ManagementChanges c : this.heard) {
			revisions.add(c.revision());
			if (!c.full()) {
				c.changed().get(Kind.PLANS).forEach(id -> applications.merge(id, 1, Integer::sum));
			}
		}
		assertThat(revisions).isSorted().doesNotHaveDuplicates();
		assertThat(applications).hasSize(40).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
		assertThat(this.state.all(Kind.PLANS, TestPlanCodec.Plan.class)).hasSize(40);
	}

	@Test
	void whenTheStoreHoldsAnInvalidResource_thenItIsSkipped_logged_andCounted() throws Exception {
		put(this.writer, "gold", TestPlanCodec.plan("Gold", "100/1s"));
		// written to Redis behind the Admin API's back
		layer.template.<String, String>opsForHash()
			.put("tollgate:{mgmt}:res:plans", "evil", "1:{\"limits\":[\"#{T(java.lang.Runtime)}\"]}")
			.block(T);
		startSync(null);
		assertThat(plan("gold")).isNotNull();
		assertThat(plan("evil")).isNull();
		assertThat(this.meters.counter("tollgate.management.invalid", "kind", "plans").count()).isEqualTo(1);

		// an invalid new version takes the valid old one out of service
		put(this.writer, "gold", "{\"limits\":\"unlimited\"}");
		await(Duration.ofSeconds(1), () -> this.state.revision() == 2);
		assertThat(plan("gold")).isNull();
		assertThat(this.meters.counter("tollgate.management.invalid", "kind", "plans").count()).isEqualTo(2);
	}

	@Test
	void whenChangesAreApplied_thenTheDiskSnapshotFollows_debounced_andStopWritesTheLast() throws Exception {
		ManagementSnapshotFile file = ManagementSnapshotFile.in(this.dir.toString());
		put(this.writer, "gold", TestPlanCodec.plan("Gold", "100/1s"));
		startSync(file);
		await(Duration.ofSeconds(2), () -> this.sync.writtenRevision() == 1);
		assertThat(file.read().of(Kind.PLANS)).extracting(StoredResource::id).containsExactly("gold");

		for (int i = 0; i < 5; i++) {
			put(this.writer, "p" + i, TestPlanCodec.plan("P", "1/1s"));
		}
		await(Duration.ofSeconds(2), () -> this.sync.writtenRevision() == 6);
		Snapshot onDisk = file.read();
		assertThat(onDisk.revision()).isEqualTo(6);
		assertThat(onDisk.of(Kind.PLANS)).extracting(StoredResource::id)
			.containsExactly("gold", "p0", "p1", "p2", "p3", "p4");
		assertThat(onDisk.of(Kind.PLANS).get(0).json()).isEqualTo(TestPlanCodec.plan("Gold", "100/1s"));

		this.writer.commit(Batch.of("admin", "delete", Write.delete(Kind.PLANS, "p0", Precondition.any()))).block(T);
		await(Duration.ofSeconds(1), () -> this.state.revision() == 7);
		this.sync.stop();
		this.sync = null;
		assertThat(file.read().revision()).isEqualTo(7);
		assertThat(file.read().of(Kind.PLANS)).extracting(StoredResource::id).doesNotContain("p0");
		try (var files = Files.list(this.dir)) {
			assertThat(files.map(p -> p.getFileName().toString())).containsExactly("management-snapshot.json");
		}
	}

}
