package io.tollgate.gateway.registry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.tollgate.policy.redis.OutageLog;
import io.tollgate.policy.redis.RedisStoreLifecycle;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * Keeps this replica's {@link ManagementState} in step with the store.
 * <ul>
 * <li>Start (before the web server): a snapshot from the store; when the store cannot be
 * reached, the disk snapshot ({@code tollgate.management.snapshot-dir}).</li>
 * <li>Then every announcement, every {@code resync-interval} and every (re)subscription
 * wake one catch-up: {@code changesSince(applied)}, or a full snapshot after a gap, when
 * the store is behind this replica (it was reset), or when no snapshot from the store has
 * been applied yet (the start read the disk, which may not match the store).</li>
 * <li>Catch-ups run one at a time on the sync's own thread, never on an event loop; wake
 * signals arriving meanwhile collapse into one more, so nothing is applied twice or out
 * of order.</li>
 * <li>After each application: the heartbeat attribute {@code revision} is beaten at once
 * (so the status is fresh), and the disk snapshot is rewritten, debounced, off the sync's
 * thread.</li>
 * </ul>
 */
public final class ManagementSync implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ManagementSync.class);

	/** How long the start waits for the first snapshot from the store. */
	static final Duration START_WAIT = Duration.ofSeconds(10);

	/** Disk writes are at most this often: a burst of changes makes one write. */
	static final Duration SNAPSHOT_DEBOUNCE = Duration.ofMillis(500);

	/** Wake signal of a resync (not an announcement). */
	private static final long RESYNC = -1;

	private final ChangeFeed feed;

	private final ManagementState state;

	@Nullable
	private final ManagementSnapshotFile snapshotFile;

	@Nullable
	private final ReplicaHeartbeat heartbeat;

	private final Duration resyncInterval;

	private final Sinks.Many<Long> wake = Sinks.many().multicast().directBestEffort();

	private final AtomicBoolean snapshotPending = new AtomicBoolean();

	private volatile Disposable.Swap pendingWrite = Disposables.swap();

	/** The store's raw resources at the applied revision, for the disk snapshot. */
	private volatile Raw raw = new Raw(0, 0, emptyRaw());

	/** Guarded by the snapshot file. */
	private long writtenGeneration = -1;

	private volatile long writtenRevision = -1;

	/**
	 * Until a snapshot from the store has been applied (the start read the disk, or
	 * nothing), the next catch-up loads one: the disk may not match the store.
	 */
	private volatile boolean needsSnapshot = true;

	private volatile Scheduler scheduler;

	private volatile Disposable.Composite running;

	public ManagementSync(ChangeFeed feed, ManagementState state, @Nullable ManagementSnapshotFile snapshotFile,
			@Nullable ReplicaHeartbeat heartbeat, Duration resyncInterval) {
		this.feed = feed;
		this.state = state;
		this.snapshotFile = snapshotFile;
		this.heartbeat = heartbeat;
		this.resyncInterval = resyncInterval;
		if (heartbeat != null) {
			heartbeat.attribute("revision", () -> Long.toString(state.revision()));
		}
	}

	@Override
	public int getPhase() {
		return RedisStoreLifecycle.FEATURE_PHASE;
	}

	@Override
	public void start() {
		Scheduler thread = Schedulers.newSingle("tollgate-management-sync", true);
		this.scheduler = thread;
		this.pendingWrite = Disposables.swap();
		loadAtStart(thread);
		Disposable.Composite loops = Disposables.composite();
		// the wake-ups first: merge subscribes in order, and the announcements'
		// subscription may wake a catch-up at once
		Flux<Long> signals = Flux.merge(this.wake.asFlux(),
				Flux.interval(this.resyncInterval, this.resyncInterval, thread).map(tick -> RESYNC),
				this.feed.announcements(this::requestSync));
		loops.add(signals.onBackpressureLatest()
			.concatMap(signal -> catchUp(signal), 1)
			.subscribe(null, error -> log.error("Management sync stopped", error)));
		this.running = loops;
	}

	/**
	 * Blocks the starting thread (never an event loop), bounded, so the web server starts
	 * with the managed resources in place.
	 */
	private void loadAtStart(Scheduler thread) {
		CountDownLatch loaded = new CountDownLatch(1);
		Disposable first = this.feed.snapshot().publishOn(thread).doOnNext(snapshot -> {
			loadFromStore(snapshot);
			log.info("Management state loaded from the store: {} resources at revision {}", size(snapshot),
					snapshot.revision());
		})
			.then()
			.onErrorResume(error -> Mono.fromRunnable(() -> loadFromDisk(error)).subscribeOn(thread).then())
			.doFinally(signal -> loaded.countDown())
			.subscribe();
		try {
			if (!loaded.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				first.dispose();
				log.warn("Management store not read within {} ms of startup; catching up in the background",
						START_WAIT.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void loadFromDisk(Throwable storeError) {
		Snapshot disk = this.snapshotFile == null ? null : this.snapshotFile.read();
		if (disk == null) {
			log.warn("Management store unreachable at start ({}); no disk snapshot, starting without managed "
					+ "resources until it answers", OutageLog.describe(storeError));
			return;
		}
		load(disk);
		synchronized (this.snapshotFile) {
			// what is on disk already
			this.writtenGeneration = this.raw.generation();
			this.writtenRevision = disk.revision();
		}
		log.warn(
				"Management store unreachable at start ({}); serving the disk snapshot {} ({} resources at revision "
						+ "{}) until it answers",
				OutageLog.describe(storeError), this.snapshotFile.path(), size(disk), disk.revision());
	}

	/** Wakes one catch-up (coalesced with any already waiting). */
	void requestSync() {
		synchronized (this.wake) {
			this.wake.tryEmitNext(RESYNC);
		}
	}

	/**
	 * One catch-up, on the sync's thread: the applied revision is read there, after any
	 * application before it has finished.
	 */
	private Mono<Void> catchUp(long signal) {
		Scheduler thread = this.scheduler;
		return Mono.defer(() -> {
			long applied = this.state.revision();
			if (this.needsSnapshot) {
				return this.feed.snapshot().publishOn(thread).doOnNext(snapshot -> {
					log.info("Management state loaded from the store: {} resources at revision {} (was {})",
							size(snapshot), snapshot.revision(), applied);
					loadFromStore(snapshot);
				})
					.then()
					.doOnError(error -> log.debug("Management snapshot failed: {}", OutageLog.describe(error)))
					.onErrorResume(error -> Mono.empty());
			}
			if (signal != RESYNC && signal <= applied) {
				return Mono.<Void>empty();
			}
			return this.feed.changesSince(applied).publishOn(thread).flatMap(changes -> {
				if (changes.gap() || changes.revision() < applied) {
					return this.feed.snapshot().publishOn(thread).doOnNext(snapshot -> {
						log.info("Management state reloaded at revision {} (was {}: {})", snapshot.revision(), applied,
								changes.gap() ? "beyond the change feed" : "the store was reset");
						loadFromStore(snapshot);
					}).then();
				}
				if (changes.revision() > applied || !changes.isEmpty()) {
					apply(changes);
				}
				return Mono.<Void>empty();
			})
				// the Redis layer has already counted and logged an outage once
				.doOnError(error -> log.debug("Management catch-up from revision {} failed: {}", applied,
						OutageLog.describe(error)))
				.onErrorResume(error -> Mono.empty());
		}).subscribeOn(thread);
	}

	private void loadFromStore(Snapshot snapshot) {
		load(snapshot);
		this.needsSnapshot = false;
	}

	private static int size(Snapshot snapshot) {
		int n = 0;
		for (Kind k : Kind.values()) {
			n += snapshot.of(k).size();
		}
		return n;
	}

	private void load(Snapshot snapshot) {
		this.state.load(snapshot);
		if (this.snapshotFile != null) {
			Map<Kind, Map<String, StoredResource>> next = emptyRaw();
			for (Kind k : Kind.values()) {
				Map<String, StoredResource> of = new HashMap<>();
				snapshot.of(k).forEach(r -> of.put(r.id(), r));
				next.put(k, Map.copyOf(of));
			}
			this.raw = new Raw(this.raw.generation() + 1, snapshot.revision(), next);
		}
		applied();
	}

	private void apply(ChangeSet changes) {
		this.state.apply(changes);
		if (this.snapshotFile != null) {
			Raw current = this.raw;
			Map<Kind, Map<String, StoredResource>> next = new EnumMap<>(current.resources());
			Map<Kind, Map<String, StoredResource>> touched = new EnumMap<>(Kind.class);
			for (StoredResource r : changes.changed()) {
				touched.computeIfAbsent(r.kind(), k -> new HashMap<>(next.get(k))).put(r.id(), r);
			}
			for (ChangeSet.Deleted d : changes.deleted()) {
				touched.computeIfAbsent(d.kind(), k -> new HashMap<>(next.get(k))).remove(d.id());
			}
			touched.forEach((k, of) -> next.put(k, Map.copyOf(of)));
			this.raw = new Raw(current.generation() + 1, Math.max(current.revision(), changes.revision()), next);
		}
		applied();
	}

	private void applied() {
		if (this.heartbeat != null) {
			this.heartbeat.beatSoon();
		}
		scheduleSnapshotWrite();
	}

	private void scheduleSnapshotWrite() {
		if (this.snapshotFile == null || !this.snapshotPending.compareAndSet(false, true)) {
			return;
		}
		this.pendingWrite.replace(Mono.delay(SNAPSHOT_DEBOUNCE, Schedulers.boundedElastic())
			.doOnNext(tick -> writeSnapshot())
			.subscribe(null, error -> log.warn("Management snapshot write failed", error)));
	}

	/** Writes the raw state unless it is what the disk has already. */
	private void writeSnapshot() {
		this.snapshotPending.set(false);
		ManagementSnapshotFile file = this.snapshotFile;
		if (file == null) {
			return;
		}
		synchronized (file) {
			Raw current = this.raw;
			if (current.generation() == this.writtenGeneration) {
				return;
			}
			Map<Kind, List<StoredResource>> all = new EnumMap<>(Kind.class);
			current.resources()
				.forEach((k, of) -> all.put(k,
						of.values().stream().sorted(java.util.Comparator.comparing(StoredResource::id)).toList()));
			if (file.write(new Snapshot(current.revision(), all))) {
				this.writtenGeneration = current.generation();
				this.writtenRevision = current.revision();
			}
		}
	}

	@Override
	public void stop() {
		Disposable.Composite loops = this.running;
		this.running = null;
		if (loops != null) {
			loops.dispose();
		}
		Scheduler s = this.scheduler;
		if (s != null) {
			s.dispose();
		}
		this.pendingWrite.dispose();
		// the last state applied reaches the disk even when the debounce had not fired
		writeSnapshot();
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

	/** The revision last written to the disk snapshot, -1 if none. */
	long writtenRevision() {
		return this.writtenRevision;
	}

	/**
	 * @param generation counts applications, so a write knows whether the disk has this
	 * one
	 */
	private record Raw(long generation, long revision, Map<Kind, Map<String, StoredResource>> resources) {
	}

	private static Map<Kind, Map<String, StoredResource>> emptyRaw() {
		Map<Kind, Map<String, StoredResource>> m = new EnumMap<>(Kind.class);
		for (Kind k : Kind.values()) {
			m.put(k, Map.of());
		}
		return m;
	}

}
