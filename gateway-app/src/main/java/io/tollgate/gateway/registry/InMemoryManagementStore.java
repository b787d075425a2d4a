package io.tollgate.gateway.registry;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The management store of one process, on an injected clock: the same rules as
 * {@link RedisManagementStore}, for tests and for a gateway without Redis.
 */
public final class InMemoryManagementStore implements ResourceStore, ChangeFeed, AuditLog {

	/** How many past changes {@link #changesSince} can reach back. */
	static final int FEED_LENGTH = 10_000;

	private final Clock clock;

	private final AuditChain chain;

	private final int auditLength;

	private final Map<Kind, NavigableMap<String, StoredResource>> resources = new EnumMap<>(Kind.class);

	/** Unique value to "kind:id" of its holder. */
	private final Map<String, String> uniques = new HashMap<>();

	/** "kind:id" to the unique values it holds. */
	private final Map<String, Set<String>> held = new HashMap<>();

	/** What each revision wrote, oldest first. */
	private final Deque<ChangeSet.Deleted> feed = new ArrayDeque<>();

	/** Newest first. */
	private final Deque<AuditEntry> audit = new ArrayDeque<>();

	private final Sinks.Many<Long> announcements = Sinks.many().multicast().directBestEffort();

	private long revision;

	private long auditSeq;

	/** The newest revision with entries trimmed from the feed. */
	private long feedFloor;

	private String auditHead = AuditEntry.GENESIS;

	public InMemoryManagementStore(Clock clock, AuditChain chain, int auditLength) {
		this.clock = clock;
		this.chain = chain;
		this.auditLength = auditLength;
		for (Kind k : Kind.values()) {
			this.resources.put(k, new TreeMap<>());
		}
	}

	@Override
	public synchronized Mono<StoredResource> get(Kind kind, String id) {
		return Mono.justOrEmpty(this.resources.get(kind).get(id));
	}

	@Override
	public synchronized Mono<List<StoredResource>> list(Kind kind, @Nullable String after, int limit) {
		NavigableMap<String, StoredResource> all = this.resources.get(kind);
		Map<String, StoredResource> tail = after == null ? all : all.tailMap(after, false);
		List<StoredResource> page = new ArrayList<>();
		for (StoredResource r : tail.values()) {
			if (page.size() >= limit) {
				break;
			}
			page.add(r);
		}
		return Mono.just(page);
	}

	@Override
	public synchronized Mono<StoredResource> findByUnique(String unique) {
		String holder = this.uniques.get(unique);
		if (holder == null) {
			return Mono.empty();
		}
		int colon = holder.indexOf(':');
		return Mono
			.justOrEmpty(this.resources.get(Kind.valueOf(holder.substring(0, colon))).get(holder.substring(colon + 1)));
	}

	@Override
	public Mono<Commit> commit(Batch batch) {
		return Mono.fromSupplier(() -> {
			Commit outcome;
			synchronized (this) {
				outcome = apply(batch);
			}
			if (outcome.committed()) {
				this.announcements.tryEmitNext(outcome.revision());
			}
			return outcome;
		});
	}

	private Commit apply(Batch batch) {
		// check everything first: all or nothing
		Map<String, String> claimed = new HashMap<>();
		List<Write> writes = batch.writes();
		for (int i = 0; i < writes.size(); i++) {
			Write w = writes.get(i);
			StoredResource current = this.resources.get(w.kind()).get(w.id());
			if (w.isDelete() && current == null) {
				return Commit.rejected(i, Commit.Reason.NOT_FOUND, null);
			}
			if (!w.precondition().holds(current == null ? -1 : current.revision())) {
				return Commit.rejected(i, Commit.Reason.PRECONDITION_FAILED, null);
			}
			String self = w.kind().name() + ":" + w.id();
			for (String u : w.uniques()) {
				String holder = this.uniques.get(u);
				boolean freedInBatch = holder != null && writes.stream()
					.anyMatch(o -> (o.kind().name() + ":" + o.id()).equals(holder) && !o.uniques().contains(u));
				if ((holder != null && !holder.equals(self) && !freedInBatch)
						|| (claimed.containsKey(u) && !claimed.get(u).equals(self))) {
					return Commit.rejected(i, Commit.Reason.CONFLICT, u);
				}
				claimed.put(u, self);
			}
		}
		long next = this.revision + 1;
		for (Write w : writes) {
			String self = w.kind().name() + ":" + w.id();
			Set<String> old = this.held.remove(self);
			if (old != null) {
				old.forEach(u -> this.uniques.remove(u, self));
			}
			if (w.isDelete()) {
				this.resources.get(w.kind()).remove(w.id());
			}
			else {
				this.resources.get(w.kind()).put(w.id(), new StoredResource(w.kind(), w.id(), next, w.json()));
				this.held.put(self, new HashSet<>(w.uniques()));
				w.uniques().forEach(u -> this.uniques.put(u, self));
			}
			this.feed.addLast(new ChangeSet.Deleted(w.kind(), w.id(), next));
			while (this.feed.size() > FEED_LENGTH) {
				// a revision trimmed in part can no longer be caught up from
				this.feedFloor = Math.max(this.feedFloor, this.feed.removeFirst().revision());
			}
			AuditEntry entry = new AuditEntry(++this.auditSeq, this.clock.instant(), batch.actor(), batch.action(),
					w.kind(), w.id(), next, w.auditBefore(), w.auditAfter(), this.auditHead, "");
			AuditEntry sealed = this.chain.seal(entry);
			this.auditHead = sealed.hash();
			this.audit.addFirst(sealed);
			while (this.audit.size() > this.auditLength) {
				this.audit.removeLast();
			}
		}
		this.revision = next;
		return Commit.ok(next);
	}

	@Override
	public synchronized Mono<Long> revision() {
		return Mono.just(this.revision);
	}

	@Override
	public synchronized Mono<ChangeSet> changesSince(long since) {
		if (since >= this.revision) {
			return Mono.just(new ChangeSet(this.revision, List.of(), List.of(), false));
		}
		if (since < this.feedFloor) {
			return Mono.just(ChangeSet.gap(this.revision));
		}
		Map<String, StoredResource> changed = new LinkedHashMap<>();
		Map<String, ChangeSet.Deleted> deleted = new LinkedHashMap<>();
		for (Iterator<ChangeSet.Deleted> it = this.feed.iterator(); it.hasNext();) {
			ChangeSet.Deleted c = it.next();
			if (c.revision() <= since) {
				continue;
			}
			String self = c.kind().name() + ":" + c.id();
			StoredResource now = this.resources.get(c.kind()).get(c.id());
			if (now != null) {
				changed.put(self, now);
				deleted.remove(self);
			}
			else {
				deleted.put(self, c);
				changed.remove(self);
			}
		}
		return Mono
			.just(new ChangeSet(this.revision, List.copyOf(changed.values()), List.copyOf(deleted.values()), false));
	}

	@Override
	public synchronized Mono<Snapshot> snapshot() {
		Map<Kind, List<StoredResource>> all = new EnumMap<>(Kind.class);
		this.resources.forEach((k, v) -> all.put(k, List.copyOf(v.values())));
		return Mono.just(new Snapshot(this.revision, all));
	}

	@Override
	public Flux<Long> announcements(Runnable onSubscribed) {
		return this.announcements.asFlux().doOnSubscribe(s -> onSubscribed.run());
	}

	@Override
	public synchronized Mono<List<AuditEntry>> latest(int limit) {
		return Mono.just(this.audit.stream().limit(limit).toList());
	}

	@Override
	public synchronized Mono<AuditVerification> verify() {
		List<AuditEntry> oldestFirst = new ArrayList<>(this.audit);
		java.util.Collections.reverse(oldestFirst);
		return Mono.just(this.chain.verify(oldestFirst));
	}

	/**
	 * For tests: replaces the stored audit entry {@code seq} (as someone editing the
	 * store would).
	 */
	synchronized void tamper(long seq, java.util.function.UnaryOperator<AuditEntry> edit) {
		List<AuditEntry> all = new ArrayList<>(this.audit);
		this.audit.clear();
		for (AuditEntry e : all) {
			this.audit.addLast(e.seq() == seq ? edit.apply(e) : e);
		}
	}

}
