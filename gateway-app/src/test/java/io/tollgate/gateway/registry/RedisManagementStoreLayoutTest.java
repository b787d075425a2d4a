package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;

import io.tollgate.testsupport.redis.RedisExtension;

/**
 * What the Redis store keeps where (the keys the README documents), and what only Redis
 * can show: trimming of the feed and the audit, verification across pages, edits made
 * behind the store's back, and several stores (replicas) committing at once.
 */
class RedisManagementStoreLayoutTest {

	static final Duration T = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static RedisLayer layer;

	ReactiveStringRedisTemplate redisTemplate;

	@BeforeAll
	static void start() {
		layer = RedisLayer.on(redis);
	}

	@AfterAll
	static void stop() {
		layer.close();
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
		this.redisTemplate = layer.template;
	}

	static RedisManagementStore store(int feedLength, int auditLength, int auditPage) {
		return layer.store(AuditChain.of("s3cret"),
				new RedisManagementStore.Settings(RedisManagementStore.CHANNEL, feedLength, auditLength, auditPage));
	}

	static Commit put(ResourceStore store, Kind kind, String id, String json, String... uniques) {
		return store
			.commit(Batch.of("admin", "replace",
					Write.put(kind, id, json, Precondition.any(), Set.of(uniques), null, json)))
			.block(T);
	}

	@Test
	void whenResourcesAreCommitted_thenTheyAreKeptUnderTheDocumentedKeys_inOneHashTag() {
		RedisManagementStore store = layer.store();
		put(store, Kind.APIS, "shop-v1", "{\"basePath\":\"/shop/v1\"}", "basePath:/shop/v1");
		put(store, Kind.PLANS, "gold", "{\"limits\":[\"10/1s\"]}");

		Set<String> keys = Set.copyOf(this.redisTemplate.keys("*").collectList().block(T));
		assertThat(keys).containsExactlyInAnyOrder("tollgate:{mgmt}:head", "tollgate:{mgmt}:uniq",
				"tollgate:{mgmt}:held", "tollgate:{mgmt}:changes", "tollgate:{mgmt}:audit", "tollgate:{mgmt}:res:apis",
				"tollgate:{mgmt}:ids:apis", "tollgate:{mgmt}:res:plans", "tollgate:{mgmt}:ids:plans");
		var hash = this.redisTemplate.<String, String>opsForHash();
		assertThat(hash.get("tollgate:{mgmt}:res:plans", "gold").block(T)).isEqualTo("2:{\"limits\":[\"10/1s\"]}");
		assertThat(hash.get("tollgate:{mgmt}:res:apis", "shop-v1").block(T)).isEqualTo("1:{\"basePath\":\"/shop/v1\"}");
		Map<String, String> head = hash.entries("tollgate:{mgmt}:head")
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block(T);
		assertThat(head).containsEntry("revision", "2").containsEntry("seq", "2").containsKey("hash");
		assertThat(hash.get("tollgate:{mgmt}:uniq", "basePath:/shop/v1").block(T)).isEqualTo("apis:shop-v1");
		assertThat(hash.get("tollgate:{mgmt}:held", "apis:shop-v1").block(T)).isEqualTo("[\"basePath:\\/shop\\/v1\"]");
		assertThat(this.redisTemplate.opsForZSet()
			.range("tollgate:{mgmt}:changes", org.springframework.data.domain.Range.unbounded())
			.collectList()
			.block(T)).containsExactly("1|apis|shop-v1", "2|plans|gold");
		assertThat(this.redisTemplate.opsForZSet()
			.range("tollgate:{mgmt}:ids:plans", org.springframework.data.domain.Range.unbounded())
			.collectList()
			.block(T)).containsExactly("gold");
		List<String> audit = this.redisTemplate.opsForList()
			.range("tollgate:{mgmt}:audit", 0, -1)
			.collectList()
			.block(T);
		assertThat(audit).hasSize(2);
		assertThat(AuditEntryJson.decode(audit.get(0)).hash()).isEqualTo(head.get("hash"));
		assertThat(audit.get(0)).contains("\"kind\":\"plans\"", "\"id\":\"gold\"", "\"seq\":2");
	}

	@Test
	void whenADeleteCommits_thenTheResourceAndItsUniqueValuesAreGone() {
		RedisManagementStore store = layer.store();
		put(store, Kind.APIS, "shop-v1", "{}", "basePath:/shop/v1");
		store.commit(Batch.of("admin", "delete", Write.delete(Kind.APIS, "shop-v1", Precondition.any()))).block(T);
		var hash = this.redisTemplate.<String, String>opsForHash();
		assertThat(hash.size("tollgate:{mgmt}:uniq").block(T)).isZero();
		assertThat(hash.size("tollgate:{mgmt}:held").block(T)).isZero();
		assertThat(this.redisTemplate.hasKey("tollgate:{mgmt}:res:apis").block(T)).isFalse();
		assertThat(this.redisTemplate.hasKey("tollgate:{mgmt}:ids:apis").block(T)).isFalse();
		assertThat(this.redisTemplate.opsForZSet().size("tollgate:{mgmt}:changes").block(T)).isEqualTo(2);
	}

	@Test
	void whenTheFeedIsTrimmed_thenRevisionsBeforeItAreAGap_andLaterOnesStillCatchUp() {
		RedisManagementStore store = store(3, 1000, 1000);
		for (int i = 1; i <= 5; i++) {
			put(store, Kind.PLANS, "p" + i, "{}");
		}
		assertThat(this.redisTemplate.opsForZSet().size("tollgate:{mgmt}:changes").block(T)).isEqualTo(3);
		assertThat(store.changesSince(0).block(T).gap()).isTrue();
		assertThat(store.changesSince(1).block(T).gap()).isTrue();
		ChangeSet since2 = store.changesSince(2).block(T);
		assertThat(since2.gap()).isFalse();
		assertThat(since2.revision()).isEqualTo(5);
		assertThat(since2.changed()).extracting(StoredResource::id).containsExactly("p3", "p4", "p5");
		assertThat(store.changesSince(5).block(T).isEmpty()).isTrue();
		assertThat(store.changesSince(6).block(T).gap()).as("a store behind its replica was reset").isTrue();
	}

	@Test
	void whenABatchIsLargerThanTheFeed_thenItsRevisionIsAGapForOlderReplicas() {
		RedisManagementStore store = store(3, 1000, 1000);
		put(store, Kind.PLANS, "first", "{}");
		List<Write> writes = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			writes.add(Write.put(Kind.PLANS, "b" + i, "{}", Precondition.any(), Set.of(), null, "{}"));
		}
		store.commit(new Batch("admin", "apply", writes)).block(T);
		assertThat(store.changesSince(1).block(T).gap()).isTrue();
		assertThat(store.changesSince(2).block(T).isEmpty()).isTrue();
	}

	@Test
	void whenTheAuditExceedsItsLength_thenTheOldestEntriesAreDropped_andTheRestVerifies() {
		RedisManagementStore store = store(1000, 5, 1000);
		for (int i = 1; i <= 8; i++) {
			put(store, Kind.PLANS, "p" + i, "{}");
		}
		assertThat(store.latest(100).block(T)).extracting(AuditEntry::seq).containsExactly(8L, 7L, 6L, 5L, 4L);
		AuditVerification v = store.verify().block(T);
		assertThat(v.intact()).isTrue();
		assertThat(v.checked()).isEqualTo(5);
		assertThat(v.keyed()).isTrue();
	}

	@Test
	void whenVerifyingPageByPage_thenEveryEntryIsChecked_andABreakInAnOlderPageIsFound() {
		RedisManagementStore store = store(1000, 1000, 3);
		for (int i = 1; i <= 10; i++) {
			put(store, Kind.PLANS, "p" + i, "{}");
		}
		AuditVerification intact = store.verify().block(T);
		assertThat(intact.intact()).isTrue();
		assertThat(intact.checked()).isEqualTo(10);

		edit(2, e -> new AuditEntry(e.seq(), e.at(), e.actor(), e.action(), e.kind(), e.id(), e.revision(), e.before(),
				"{\"limits\":[\"1000000/1s\"]}", e.prev(), e.hash()));
		edit(8, e -> new AuditEntry(e.seq(), e.at(), "mallory", e.action(), e.kind(), e.id(), e.revision(), e.before(),
				e.after(), e.prev(), e.hash()));
		AuditVerification broken = store.verify().block(T);
		assertThat(broken.intact()).isFalse();
		assertThat(broken.brokenAt()).as("the oldest break").isEqualTo(2);
	}

	@Test
	void whenAnEntryIsRemovedFromThePageBoundary_thenVerificationFails() {
		RedisManagementStore store = store(1000, 1000, 3);
		for (int i = 1; i <= 10; i++) {
			put(store, Kind.PLANS, "p" + i, "{}");
		}
		// index 4 holds seq 6: the entries on both sides no longer link
		String removed = this.redisTemplate.opsForList().index("tollgate:{mgmt}:audit", 4).block(T);
		this.redisTemplate.opsForList().remove("tollgate:{mgmt}:audit", 1, removed).block(T);
		AuditVerification broken = store.verify().block(T);
		assertThat(broken.intact()).isFalse();
	}

	@Test
	void whenTheNewestEntriesAreRemoved_thenVerificationFailsAtTheHead() {
		RedisManagementStore store = layer.store();
		for (int i = 1; i <= 4; i++) {
			put(store, Kind.PLANS, "p" + i, "{}");
		}
		this.redisTemplate.opsForList().leftPop("tollgate:{mgmt}:audit").block(T);
		AuditVerification broken = store.verify().block(T);
		assertThat(broken.intact()).isFalse();
		assertThat(broken.brokenAt()).isEqualTo(4);
	}

	@Test
	void whenAnEntryIsNotReadable_thenVerificationFailsThere_andTheLatestEntriesSkipIt() {
		RedisManagementStore store = layer.store();
		for (int i = 1; i <= 4; i++) {
			put(store, Kind.PLANS, "p" + i, "{}");
		}
		this.redisTemplate.opsForList().set("tollgate:{mgmt}:audit", 2, "not json").block(T);
		AuditVerification broken = store.verify().block(T);
		assertThat(broken.intact()).isFalse();
		assertThat(broken.brokenAt()).isEqualTo(2);
		assertThat(store.latest(10).block(T)).extracting(AuditEntry::seq).containsExactly(4L, 3L, 1L);
	}

	@Test
	void whenSeveralReplicasCommitAtOnce_thenRevisionsAndAuditSeqsAreContiguous_andTheChainIsIntact() {
		RedisManagementStore a = layer.store();
		RedisManagementStore b = layer.store();
		List<Commit> commits = Flux.range(0, 30)
			.flatMap(i -> (i % 2 == 0 ? a : b).commit(Batch.of("admin", "create",
					Write.put(Kind.CONSUMERS, "c" + i, "{}", Precondition.absent(), Set.of(), null, "{}"))), 30)
			.collectList()
			.block(T);
		assertThat(commits).allMatch(Commit::committed);
		assertThat(commits).extracting(Commit::revision).doesNotHaveDuplicates();
		assertThat(a.revision().block(T)).isEqualTo(30);
		List<AuditEntry> audit = b.latest(100).block(T);
		assertThat(audit).hasSize(30);
		for (int i = 0; i < audit.size(); i++) {
			assertThat(audit.get(i).seq()).isEqualTo(30 - i);
			assertThat(audit.get(i).revision()).isEqualTo(30 - i);
		}
		assertThat(a.verify().block(T).intact()).isTrue();
	}

	@Test
	void whenAResourceIsWrittenByHandWithoutARevision_thenItReadsAsRevisionZero_forTheCodecsToJudge() {
		RedisManagementStore store = layer.store();
		put(store, Kind.PLANS, "gold", "{}");
		this.redisTemplate.<String, String>opsForHash().put("tollgate:{mgmt}:res:plans", "gold", "{\"x\":1}").block(T);
		StoredResource gold = store.get(Kind.PLANS, "gold").block(T);
		assertThat(gold.revision()).isZero();
		assertThat(gold.json()).isEqualTo("{\"x\":1}");
		assertThat(store.snapshot().block(T).of(Kind.PLANS)).extracting(StoredResource::json)
			.containsExactly("{\"x\":1}");
	}

	private void edit(long seq, java.util.function.UnaryOperator<AuditEntry> change) {
		var list = this.redisTemplate.opsForList();
		List<String> all = list.range("tollgate:{mgmt}:audit", 0, -1).collectList().block(T);
		for (int i = 0; i < all.size(); i++) {
			AuditEntry e = AuditEntryJson.decode(all.get(i));
			if (e.seq() == seq) {
				list.set("tollgate:{mgmt}:audit", i, AuditEntryJson.encode(change.apply(e))).block(T);
				return;
			}
		}
		throw new AssertionError("no entry " + seq);
	}

}
