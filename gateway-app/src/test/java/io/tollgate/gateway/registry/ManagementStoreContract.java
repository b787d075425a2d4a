package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * What every management store does: atomic batches with preconditions and unique values,
 * one global revision, a change feed replicas can catch up from, announcements, and a
 * hash-chained audit. Run on the in-memory store and on Redis (standalone and Cluster).
 */
public abstract class ManagementStoreContract {

	protected static final Duration T = Duration.ofSeconds(10);

	protected abstract ResourceStore resources();

	protected abstract ChangeFeed feed();

	protected abstract AuditLog audit();

	/**
	 * Edits the stored audit entry {@code seq} behind the store's back (as someone with
	 * write access could).
	 */
	protected abstract void tamperWithAudit(long seq);

	/** Waits until announcements may have arrived. */
	protected abstract void awaitDelivery(java.util.function.BooleanSupplier condition) throws InterruptedException;

	protected static Write put(Kind kind, String id, String json, Precondition p, String... uniques) {
		return Write.put(kind, id, json, p, Set.of(uniques), null, json);
	}

	protected Commit commit(Write... writes) {
		return resources().commit(new Batch("admin-1", "replace", List.of(writes))).block(T);
	}

	@Test
	void whenAResourceIsPut_thenItIsReadBackWithTheNewRevisionAsItsEtag() {
		assertThat(feed().revision().block(T)).isZero();
		Commit c = commit(put(Kind.PLANS, "gold", "{\"limits\":[\"10/1s\"]}", Precondition.absent()));
		assertThat(c.committed()).isTrue();
		assertThat(c.revision()).isEqualTo(1);
		StoredResource gold = resources().get(Kind.PLANS, "gold").block(T);
		assertThat(gold.json()).isEqualTo("{\"limits\":[\"10/1s\"]}");
		assertThat(gold.revision()).isEqualTo(1);
		assertThat(gold.etag()).isEqualTo("\"1\"");
		assertThat(resources().get(Kind.PLANS, "silver").block(T)).isNull();
		assertThat(resources().get(Kind.CONSUMERS, "gold").block(T)).as("kinds are apart").isNull();
	}

	@Test
	void whenPreconditionsFail_thenNothingIsWritten() {
		commit(put(Kind.PLANS, "gold", "{\"v\":1}", Precondition.any()));
		assertThat(commit(put(Kind.PLANS, "gold", "{\"v\":2}", Precondition.absent())).reason())
			.isEqualTo(Commit.Reason.PRECONDITION_FAILED);
		assertThat(commit(put(Kind.PLANS, "gold", "{\"v\":2}", Precondition.revision(7))).reason())
			.isEqualTo(Commit.Reason.PRECONDITION_FAILED);
		assertThat(commit(put(Kind.PLANS, "other", "{\"v\":2}", Precondition.exists())).reason())
			.isEqualTo(Commit.Reason.PRECONDITION_FAILED);
		assertThat(resources().commit(Batch.of("a", "delete", Write.delete(Kind.PLANS, "nope", Precondition.any())))
			.block(T)
			.reason()).isEqualTo(Commit.Reason.NOT_FOUND);
		assertThat(feed().revision().block(T)).isEqualTo(1);
		Commit ok = commit(put(Kind.PLANS, "gold", "{\"v\":2}", Precondition.revision(1)));
		assertThat(ok.revision()).isEqualTo(2);
		assertThat(resources().get(Kind.PLANS, "gold").block(T).json()).isEqualTo("{\"v\":2}");
	}

	@Test
	void whenOneWriteOfABatchIsRefused_thenNoneIsWritten_andTheRefusedOneIsNamed() {
		commit(put(Kind.APIS, "shop-v1", "{}", Precondition.any(), "basePath:/shop/v1"));
		Commit refused = commit(put(Kind.PLANS, "gold", "{}", Precondition.any()),
				put(Kind.APIS, "shop-v2", "{}", Precondition.any(), "basePath:/shop/v1"));
		assertThat(refused.committed()).isFalse();
		assertThat(refused.rejectedWrite()).isEqualTo(1);
		assertThat(refused.reason()).isEqualTo(Commit.Reason.CONFLICT);
		assertThat(refused.detail()).isEqualTo("basePath:/shop/v1");
		assertThat(resources().get(Kind.PLANS, "gold").block(T)).isNull();
		assertThat(feed().revision().block(T)).isEqualTo(1);
	}

	@Test
	void whenUniqueValuesMove_thenTheyFollowTheirResource() {
		commit(put(Kind.APIS, "shop-v1", "{}", Precondition.any(), "basePath:/shop/v1"));
		assertThat(resources().findByUnique("basePath:/shop/v1").block(T).id()).isEqualTo("shop-v1");
		// the same resource may keep its value, and change it
		assertThat(commit(put(Kind.APIS, "shop-v1", "{\"x\":1}", Precondition.any(), "basePath:/shop/v1")).committed())
			.isTrue();
		assertThat(commit(put(Kind.APIS, "shop-v1", "{\"x\":2}", Precondition.any(), "basePath:/store/v1")).committed())
			.isTrue();
		assertThat(resources().findByUnique("basePath:/shop/v1").block(T)).isNull();
		// the freed value can be taken by another; a delete frees it too
		assertThat(commit(put(Kind.APIS, "other", "{}", Precondition.any(), "basePath:/shop/v1")).committed()).isTrue();
		resources().commit(Batch.of("a", "delete", Write.delete(Kind.APIS, "shop-v1", Precondition.any()))).block(T);
		assertThat(resources().findByUnique("basePath:/store/v1").block(T)).isNull();
		assertThat(commit(put(Kind.APIS, "third", "{}", Precondition.any(), "basePath:/store/v1")).committed())
			.isTrue();
		// two resources swapping values in one batch is allowed
		assertThat(commit(put(Kind.APIS, "other", "{}", Precondition.any(), "basePath:/store/v1"),
				put(Kind.APIS, "third", "{}", Precondition.any(), "basePath:/shop/v1"))
			.committed()).isTrue();
		assertThat(resources().findByUnique("basePath:/shop/v1").block(T).id()).isEqualTo("third");
	}

	@Test
	void whenListing_thenPagesFollowIdOrder() {
		for (String id : new String[] { "c", "a", "e", "b", "d" }) {
			commit(put(Kind.CONSUMERS, id, "{}", Precondition.any()));
		}
		assertThat(resources().list(Kind.CONSUMERS, null, 2).block(T)).extracting(StoredResource::id)
			.containsExactly("a", "b");
		assertThat(resources().list(Kind.CONSUMERS, "b", 2).block(T)).extracting(StoredResource::id)
			.containsExactly("c", "d");
		assertThat(resources().list(Kind.CONSUMERS, "d", 2).block(T)).extracting(StoredResource::id)
			.containsExactly("e");
		assertThat(resources().list(Kind.CONSUMERS, "e", 2).block(T)).isEmpty();
	}

	@Test
	void whenAReplicaCatchesUp_thenItGetsWhatChangedSinceItsRevision_asItIsNow() {
		commit(put(Kind.PLANS, "gold", "{\"v\":1}", Precondition.any()));
		commit(put(Kind.PLANS, "silver", "{\"v\":1}", Precondition.any()));
		commit(put(Kind.PLANS, "gold", "{\"v\":2}", Precondition.any()));
		resources().commit(Batch.of("a", "delete", Write.delete(Kind.PLANS, "silver", Precondition.any()))).block(T);
		ChangeSet since1 = feed().changesSince(1).block(T);
		assertThat(since1.gap()).isFalse();
		assertThat(since1.revision()).isEqualTo(4);
		assertThat(since1.changed()).extracting(StoredResource::id, StoredResource::json)
			.containsExactly(org.assertj.core.api.Assertions.tuple("gold", "{\"v\":2}"));
		assertThat(since1.deleted()).extracting(ChangeSet.Deleted::id).containsExactly("silver");
		assertThat(feed().changesSince(4).block(T).isEmpty()).isTrue();
		Snapshot all = feed().snapshot().block(T);
		assertThat(all.revision()).isEqualTo(4);
		assertThat(all.of(Kind.PLANS)).extracting(StoredResource::id).containsExactly("gold");
	}

	@Test
	void whenCommitsAreAnnounced_thenSubscribersHearEveryRevision() throws Exception {
		List<Long> heard = new CopyOnWriteArrayList<>();
		List<Boolean> subscribed = new CopyOnWriteArrayList<>();
		Disposable sub = feed().announcements(() -> subscribed.add(true)).subscribe(heard::add);
		try {
			awaitDelivery(() -> !subscribed.isEmpty());
			commit(put(Kind.PLANS, "gold", "{}", Precondition.any()));
			commit(put(Kind.PLANS, "silver", "{}", Precondition.any()));
			awaitDelivery(() -> heard.size() >= 2);
			assertThat(heard).containsExactly(1L, 2L);
		}
		finally {
			sub.dispose();
		}
	}

	@Test
	void whenConcurrentBatchesCommit_thenEachGetsItsOwnRevision() {
		List<Commit> commits = Flux.range(0, 20)
			.flatMap(i -> resources()
				.commit(Batch.of("a", "create", put(Kind.CONSUMERS, "c" + i, "{}", Precondition.absent()))), 20)
			.collectList()
			.block(T);
		assertThat(commits).allMatch(Commit::committed);
		assertThat(commits).extracting(Commit::revision).doesNotHaveDuplicates();
		assertThat(feed().revision().block(T)).isEqualTo(20);
	}

	@Test
	void whenWritesCommit_thenEachIsAuditedNewestFirst_inAnIntactChain() {
		commit(put(Kind.PLANS, "gold", "{\"v\":1}", Precondition.any()));
		resources()
			.commit(new Batch("alice", "apply", List.of(put(Kind.PLANS, "silver", "{\"v\":1}", Precondition.any()),
					Write.delete(Kind.PLANS, "gold", Precondition.any(), "{\"v\":1}"))))
			.block(T);
		List<AuditEntry> entries = audit().latest(10).block(T);
		assertThat(entries).extracting(AuditEntry::seq).containsExactly(3L, 2L, 1L);
		AuditEntry delete = entries.get(0);
		assertThat(delete.actor()).isEqualTo("alice");
		assertThat(delete.action()).isEqualTo("apply");
		assertThat(delete.kind()).isEqualTo(Kind.PLANS);
		assertThat(delete.id()).isEqualTo("gold");
		assertThat(delete.revision()).isEqualTo(2);
		assertThat(delete.before()).isEqualTo("{\"v\":1}");
		assertThat(delete.after()).isNull();
		assertThat(delete.prev()).isEqualTo(entries.get(1).hash());
		assertThat(entries.get(2).prev()).isEqualTo(AuditEntry.GENESIS);
		assertThat(audit().latest(1).block(T)).hasSize(1);
		AuditVerification ok = audit().verify().block(T);
		assertThat(ok.intact()).isTrue();
		assertThat(ok.checked()).isEqualTo(3);
	}

	@Test
	void whenAnAuditEntryIsEditedInTheStore_thenVerificationFailsAtThatEntry() {
		for (int i = 0; i < 4; i++) {
			commit(put(Kind.PLANS, "p" + i, "{}", Precondition.any()));
		}
		tamperWithAudit(2);
		AuditVerification broken = audit().verify().block(T);
		assertThat(broken.intact()).isFalse();
		assertThat(broken.brokenAt()).isEqualTo(2);
	}

}
