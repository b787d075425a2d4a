package io.tollgate.gateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisCalls;
import io.tollgate.policy.redis.RedisChannels;
import io.tollgate.policy.redis.RedisExecutor;
import io.tollgate.policy.redis.RedisWarmup;
import io.tollgate.policy.redis.ScriptReply;

/**
 * The management store in Redis. Every key shares the hash tag {@code {mgmt}}, so one
 * Cluster slot holds it all and one script commits a batch atomically: preconditions and
 * unique values are checked inside the script, with the writes. The audit chain is sealed
 * here (its key never reaches Redis): read the head, seal the batch's entries, commit
 * with a compare-and-set on the head revision, and seal again if another batch won.
 */
public final class RedisManagementStore implements ResourceStore, ChangeFeed, AuditLog, RedisWarmup {

	private static final Logger log = LoggerFactory.getLogger(RedisManagementStore.class);

	static final String PREFIX = "tollgate:{mgmt}:";

	/**
	 * Hash: {@code revision}, {@code seq} and {@code hash} of the audit head, feed
	 * {@code floor}.
	 */
	static final String HEAD = PREFIX + "head";

	/** Hash: unique value to its holder {@code <kind>:<id>}. */
	static final String UNIQ = PREFIX + "uniq";

	/**
	 * Hash: holder {@code <kind>:<id>} to the JSON array of the unique values it holds.
	 */
	static final String HELD = PREFIX + "held";

	/** Sorted set: {@code <revision>|<kind>|<id>} scored by revision. */
	static final String CHANGES = PREFIX + "changes";

	/** List of sealed audit entries (JSON), newest first. */
	static final String AUDIT = PREFIX + "audit";

	/** The channel each committed revision is announced on. */
	public static final String CHANNEL = "tollgate:mgmt:events";

	/** How often a batch is sealed again after losing the race for the head. */
	static final int MAX_ATTEMPTS = 64;

	private static final Kind[] KINDS = Kind.values();

	private static final String KIND_LIST = String.join(",", java.util.Arrays.stream(KINDS).map(Kind::path).toList());

	/** Reads and writes whose reply may be large or must not be cut short. */
	private final RedisCalls redis;

	/** Small reads, bounded by {@code tollgate.redis.timeout}. */
	private final RedisCalls background;

	private final RedisChannels channels;

	private final Scripts scripts;

	private final AuditChain chain;

	private final Clock clock;

	private final Settings settings;

	/** Every script, one bean each. */
	public record Scripts(LuaScript commit, LuaScript changes, LuaScript snapshot, LuaScript list, LuaScript find,
			LuaScript audit) {

		/** Reads {@code redis/lua/mgmt-*.lua}. */
		public static Scripts load() {
			return new Scripts(LuaScript.load("mgmt-commit"), LuaScript.load("mgmt-changes"),
					LuaScript.load("mgmt-snapshot"), LuaScript.load("mgmt-list"), LuaScript.load("mgmt-find"),
					LuaScript.load("mgmt-audit"));
		}

		public List<LuaScript> all() {
			return List.of(this.commit, this.changes, this.snapshot, this.list, this.find, this.audit);
		}

	}

	/**
	 * @param channel where commits are announced
	 * @param feedLength change entries kept for {@link #changesSince}
	 * @param auditLength audit entries kept
	 * @param auditPage entries read per call while verifying the chain
	 */
	public record Settings(String channel, int feedLength, int auditLength, int auditPage) {

		public Settings {
			if (feedLength < 1 || auditLength < 1 || auditPage < 2) {
				throw new IllegalArgumentException("feedLength and auditLength must be positive, auditPage at least 2");
			}
		}

		public static Settings of(int feedLength, int auditLength) {
			return new Settings(CHANNEL, feedLength, auditLength, 1000);
		}

	}

	/**
	 * Calls through {@code executor} as feature {@code management}. Commits, snapshots,
	 * catch-ups and audit pages wait for Redis while it counts as up, bounded by
	 * {@code spring.data.redis.timeout}: a commit cut short could still have committed,
	 * and a snapshot of thousands of resources may need longer than a background call's
	 * {@code tollgate.redis.timeout}; only the revision read is a bounded background
	 * call.
	 */
	public RedisManagementStore(RedisExecutor executor, RedisChannels channels, Scripts scripts, AuditChain chain,
			Clock clock, Settings settings) {
		this.redis = executor.requestCalls("management");
		this.background = executor.calls("management");
		this.channels = channels;
		this.scripts = scripts;
		this.chain = chain;
		this.clock = clock;
		this.settings = settings;
	}

	static String resKey(Kind kind) {
		return PREFIX + "res:" + kind.path();
	}

	static String idsKey(Kind kind) {
		return PREFIX + "ids:" + kind.path();
	}

	/**
	 * Before traffic: connects to the node holding {@code {mgmt}} and has it compile the
	 * feed script.
	 */
	@Override
	public Mono<Void> warmUp() {
		return revision().flatMap(revision -> changesSince(revision)).then();
	}

	// --- ResourceStore

	@Override
	public Mono<StoredResource> get(Kind kind, String id) {
		return this.redis.call(t -> t.<String, String>opsForHash().get(resKey(kind), id))
			.map(envelope -> Envelope.parse(kind, id, envelope));
	}

	@Override
	public Mono<List<StoredResource>> list(Kind kind, @Nullable String after, int limit) {
		if (limit <= 0) {
			return Mono.just(List.of());
		}
		return this.redis
			.script(this.scripts.list(), List.of(resKey(kind), idsKey(kind)),
					List.of(after == null ? "" : after, Integer.toString(limit)))
			.map(reply -> {
				int n = (int) reply.longAt(0);
				List<StoredResource> page = new ArrayList<>(n);
				for (int i = 0; i < n; i++) {
					String id = reply.stringAt(1 + 2 * i);
					page.add(Envelope.parse(kind, id, reply.stringAt(2 + 2 * i)));
				}
				return List.copyOf(page);
			});
	}

	@Override
	public Mono<StoredResource> findByUnique(String unique) {
		List<String> keys = new ArrayList<>();
		keys.add(UNIQ);
		for (Kind k : KINDS) {
			keys.add(resKey(k));
		}
		return this.redis.script(this.scripts.find(), keys, List.of(KIND_LIST, unique))
			.filter(reply -> reply.longAt(0) == 1)
			.mapNotNull(reply -> {
				Kind kind = Kind.fromPath(reply.stringAt(1));
				return kind == null ? null : Envelope.parse(kind, reply.stringAt(2), reply.stringAt(3));
			});
	}

	@Override
	public Mono<Commit> commit(Batch batch) {
		return Mono.defer(() -> head().flatMap(head -> attempt(batch, head)))
			.retryWhen(Retry.backoff(MAX_ATTEMPTS - 1, Duration.ofMillis(1))
				.maxBackoff(Duration.ofMillis(25))
				.jitter(0.75)
				.filter(HeadMoved.class::isInstance)
				.onRetryExhaustedThrow((spec, signal) -> new ManagementProblem(503, "Service Unavailable",
						"The management store is busy with concurrent changes; try again")));
	}

	private Mono<Head> head() {
		return this.redis.call(t -> t.<String, String>opsForHash().multiGet(HEAD, List.of("revision", "seq", "hash")))
			.map(values -> new Head(number(values.get(0)), number(values.get(1)),
					values.get(2) == null ? AuditEntry.GENESIS : values.get(2)));
	}

	private static long number(@Nullable String value) {
		return value == null ? 0 : Long.parseLong(value);
	}

	private Mono<Commit> attempt(Batch batch, Head head) {
		long revision = head.revision() + 1;
		java.time.Instant at = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		List<String> args = new ArrayList<>();
		args.add(KIND_LIST);
		args.add(Long.toString(head.revision()));
		args.add(Long.toString(revision));
		args.add(this.settings.channel());
		args.add(Integer.toString(this.settings.feedLength()));
		args.add(Integer.toString(this.settings.auditLength()));
		List<Write> writes = batch.writes();
		long seq = head.seq();
		String prev = head.hash();
		List<String> perWrite = new ArrayList<>();
		for (Write w : writes) {
			AuditEntry sealed = this.chain.seal(new AuditEntry(++seq, at, batch.actor(), batch.action(), w.kind(),
					w.id(), revision, w.auditBefore(), w.auditAfter(), prev, ""));
			prev = sealed.hash();
			perWrite.add(w.kind().path());
			perWrite.add(w.id());
			perWrite.add(w.isDelete() ? "delete" : "put");
			perWrite.add(w.isDelete() ? "" : w.json());
			perWrite.add(w.precondition().type().name().toLowerCase(java.util.Locale.ROOT));
			perWrite.add(Long.toString(w.precondition().revision()));
			perWrite.add(AuditEntryJson.encode(sealed));
			List<String> uniques = w.isDelete() ? List.of() : w.uniques().stream().sorted().toList();
			perWrite.add(Integer.toString(uniques.size()));
			perWrite.addAll(uniques);
		}
		args.add(Long.toString(seq));
		args.add(prev);
		args.add(Integer.toString(writes.size()));
		args.addAll(perWrite);
		List<String> keys = new ArrayList<>(List.of(HEAD, UNIQ, HELD, CHANGES, AUDIT));
		for (Kind k : KINDS) {
			keys.add(resKey(k));
		}
		for (Kind k : KINDS) {
			keys.add(idsKey(k));
		}
		return this.redis.script(this.scripts.commit(), keys, args).flatMap(reply -> switch (reply.stringAt(0)) {
			case "ok" -> Mono.just(Commit.ok(reply.longAt(1)));
			case "moved" -> Mono.error(new HeadMoved());
			case "rejected" -> {
				String detail = reply.stringAt(3);
				yield Mono.just(Commit.rejected((int) reply.longAt(1), Commit.Reason.valueOf(reply.stringAt(2)),
						detail.isEmpty() ? null : detail));
			}
			default -> Mono.error(new IllegalStateException("Unexpected reply of mgmt-commit: " + reply));
		});
	}

	// --- ChangeFeed

	@Override
	public Mono<Long> revision() {
		return this.background.call(t -> t.<String, String>opsForHash().get(HEAD, "revision"))
			.map(Long::parseLong)
			.defaultIfEmpty(0L);
	}

	@Override
	public Mono<ChangeSet> changesSince(long since) {
		List<String> keys = new ArrayList<>(List.of(HEAD, CHANGES));
		for (Kind k : KINDS) {
			keys.add(resKey(k));
		}
		return this.redis.script(this.scripts.changes(), keys, List.of(KIND_LIST, Long.toString(since))).map(reply -> {
			long revision = reply.longAt(0);
			if ("gap".equals(reply.stringAt(1))) {
				return ChangeSet.gap(revision);
			}
			List<StoredResource> changed = new ArrayList<>();
			List<ChangeSet.Deleted> deleted = new ArrayList<>();
			for (int i = 2; i + 3 < reply.size(); i += 4) {
				Kind kind = Kind.fromPath(reply.stringAt(i + 1));
				String id = reply.stringAt(i + 2);
				if (kind == null) {
					continue;
				}
				if ("put".equals(reply.stringAt(i))) {
					changed.add(Envelope.parse(kind, id, reply.stringAt(i + 3)));
				}
				else {
					deleted.add(new ChangeSet.Deleted(kind, id, reply.longAt(i + 3)));
				}
			}
			return new ChangeSet(revision, changed, deleted, false);
		});
	}

	@Override
	public Mono<Snapshot> snapshot() {
		List<String> keys = new ArrayList<>();
		keys.add(HEAD);
		for (Kind k : KINDS) {
			keys.add(resKey(k));
		}
		return this.redis.script(this.scripts.snapshot(), keys, List.of()).map(reply -> {
			Map<Kind, List<StoredResource>> all = new EnumMap<>(Kind.class);
			int i = 1;
			for (Kind k : KINDS) {
				int n = (int) reply.longAt(i++);
				List<StoredResource> of = new ArrayList<>(n);
				for (int j = 0; j < n; j++, i += 2) {
					of.add(Envelope.parse(k, reply.stringAt(i), reply.stringAt(i + 1)));
				}
				of.sort(Comparator.comparing(StoredResource::id));
				all.put(k, of);
			}
			return new Snapshot(reply.longAt(0), all);
		});
	}

	@Override
	public Flux<Long> announcements(Runnable onSubscribed) {
		return this.channels.messages(this.settings.channel(), onSubscribed).mapNotNull(message -> {
			try {
				return Long.parseLong(message);
			}
			catch (NumberFormatException ex) {
				log.debug("Ignoring a malformed announcement on {}", this.settings.channel());
				return null;
			}
		});
	}

	// --- AuditLog

	@Override
	public Mono<List<AuditEntry>> latest(int limit) {
		if (limit <= 0) {
			return Mono.just(List.of());
		}
		return auditPage(0, limit).map(page -> page.entries().stream().filter(e -> e != null).toList());
	}

	@Override
	public Mono<AuditVerification> verify() {
		Verification v = new Verification();
		return walk(v, 0).then(Mono.fromSupplier(v::result));
	}

	private Mono<Void> walk(Verification v, long from) {
		return auditPage(from, this.settings.auditPage())
			.flatMap(page -> v.step(page) ? walk(v, v.from) : Mono.<Void>empty());
	}

	/**
	 * Walks the chain newest to oldest, one page at a time, each page starting with the
	 * oldest entry of the one before (so the link between pages is checked too).
	 */
	private final class Verification {

		boolean first = true;

		long from;

		int checked;

		long brokenAt = -1;

		@Nullable
		String problem;

		/** Checks one page; true when an older page follows. */
		boolean step(AuditPage page) {
			List<AuditEntry> entries = page.entries();
			boolean isFirst = this.first;
			this.first = false;
			if (entries.isEmpty()) {
				return false;
			}
			AuditEntry newest = entries.get(0);
			if (isFirst) {
				if (newest == null || newest.seq() != page.headSeq() || !newest.hash().equals(page.headHash())) {
					broken(page.headSeq(), "the newest entry is not the chain's head (entries were removed or edited)");
				}
			}
			else if (newest == null || newest.seq() != this.from) {
				broken(this.from, "entries are missing or out of order");
				return false;
			}
			List<AuditEntry> oldestFirst = new ArrayList<>(entries.size());
			long unreadable = -1;
			long expected = isFirst ? page.headSeq() : this.from;
			for (AuditEntry e : entries) {
				if (e == null) {
					unreadable = expected;
					break;
				}
				oldestFirst.add(e);
				expected = e.seq() - 1;
			}
			Collections.reverse(oldestFirst);
			AuditVerification v = RedisManagementStore.this.chain.verify(oldestFirst);
			if (!v.intact()) {
				broken(v.brokenAt(), v.problem());
			}
			this.checked += isFirst ? oldestFirst.size() : Math.max(0, oldestFirst.size() - 1);
			if (unreadable >= 0) {
				broken(unreadable, "it is not a readable audit entry");
				return false;
			}
			AuditEntry oldest = entries.get(entries.size() - 1);
			boolean more = oldest != null && entries.size() >= RedisManagementStore.this.settings.auditPage()
					&& oldest.seq() > 1 && (isFirst || oldest.seq() < this.from);
			if (more) {
				this.from = oldest.seq();
			}
			return more;
		}

		/** Pages are walked newest first: the last break found is the oldest. */
		private void broken(long seq, @Nullable String what) {
			this.brokenAt = seq;
			this.problem = what;
		}

		AuditVerification result() {
			boolean keyed = RedisManagementStore.this.chain.keyed();
			return this.problem == null ? AuditVerification.intact(this.checked, keyed)
					: AuditVerification.broken(this.checked, this.brokenAt, this.problem, keyed);
		}

	}

	private Mono<AuditPage> auditPage(long fromSeq, int count) {
		return this.redis
			.script(this.scripts.audit(), List.of(HEAD, AUDIT),
					List.of(Long.toString(fromSeq), Integer.toString(count)))
			.map(reply -> {
				List<AuditEntry> entries = new ArrayList<>(reply.size() - 3);
				for (int i = 3; i < reply.size(); i++) {
					AuditEntry e = AuditEntryJson.decode(reply.stringAt(i));
					if (e == null) {
						log.warn("An entry of {} is not a readable audit entry", AUDIT);
					}
					entries.add(e);
				}
				return new AuditPage(reply.longAt(0), reply.stringAt(1), Collections.unmodifiableList(entries));
			});
	}

	private record AuditPage(long headSeq, String headHash, List<AuditEntry> entries) {
	}

	private record Head(long revision, long seq, String hash) {
	}

	/** Another batch committed between reading the head and committing: seal again. */
	private static final class HeadMoved extends RuntimeException {

		HeadMoved() {
			super("the management store's head moved", null, false, false);
		}

	}

	/**
	 * A stored resource: {@code <revision>:<json>}. A value without a revision (written
	 * by hand) counts as revision 0; its JSON is validated by the codecs like any other.
	 */
	static final class Envelope {

		private Envelope() {
		}

		static StoredResource parse(Kind kind, String id, String envelope) {
			int colon = envelope.indexOf(':');
			if (colon > 0 && colon <= 19) {
				boolean digits = true;
				for (int i = 0; i < colon && digits; i++) {
					digits = Character.isDigit(envelope.charAt(i)) && envelope.charAt(i) < 128;
				}
				if (digits) {
					return new StoredResource(kind, id, Long.parseLong(envelope, 0, colon, 10),
							envelope.substring(colon + 1));
				}
			}
			return new StoredResource(kind, id, 0, envelope);
		}

	}

}
