package io.tollgate.gateway.registry;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's {@link ManagementView}: resources parsed and validated by their codecs,
 * swapped in atomically per application, with listeners told what changed. An invalid
 * resource (written to Redis behind the Admin API's back) is skipped and reported; it
 * never reaches a listener.
 */
public final class ManagementState implements ManagementView {

	private static final Logger log = LoggerFactory.getLogger(ManagementState.class);

	private final Map<Kind, ResourceCodec<?>> codecs = new EnumMap<>(Kind.class);

	private final List<ManagementListener> listeners = new CopyOnWriteArrayList<>();

	private final InvalidResources invalid;

	private volatile long revision;

	private volatile Map<Kind, Map<String, Object>> resources = empty();

	public ManagementState(List<ResourceCodec<?>> codecs, InvalidResources invalid) {
		for (ResourceCodec<?> c : codecs) {
			this.codecs.put(c.kind(), c);
		}
		this.invalid = invalid;
	}

	private static Map<Kind, Map<String, Object>> empty() {
		Map<Kind, Map<String, Object>> m = new EnumMap<>(Kind.class);
		for (Kind k : Kind.values()) {
			m.put(k, Map.of());
		}
		return m;
	}

	public void addListener(ManagementListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public long revision() {
		return this.revision;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Map<String, T> all(Kind kind, Class<T> type) {
		return (Map<String, T>) this.resources.get(kind);
	}

	/** Replaces everything with a snapshot. */
	public synchronized ManagementChanges load(Snapshot snapshot) {
		Map<Kind, Map<String, Object>> next = empty();
		Map<Kind, Set<String>> changed = new EnumMap<>(Kind.class);
		for (Kind k : Kind.values()) {
			Map<String, Object> parsed = new HashMap<>();
			for (StoredResource r : snapshot.of(k)) {
				Object value = parse(r);
				if (value != null) {
					parsed.put(r.id(), value);
				}
			}
			next.put(k, Map.copyOf(parsed));
			changed.put(k, Set.copyOf(parsed.keySet()));
		}
		this.resources = next;
		ManagementChanges changes = new ManagementChanges(snapshot.revision(), true, changed, Map.of());
		notifyListeners(changes);
		// after the listeners: the revision reported is one this replica serves
		this.revision = snapshot.revision();
		return changes;
	}

	/** Applies what changed since the applied revision. */
	public synchronized ManagementChanges apply(ChangeSet changeSet) {
		if (changeSet.gap()) {
			throw new IllegalArgumentException("A gap cannot be applied: load a snapshot");
		}
		Map<Kind, Map<String, Object>> next = new EnumMap<>(this.resources);
		Map<Kind, Set<String>> changed = new EnumMap<>(Kind.class);
		Map<Kind, Set<String>> deleted = new EnumMap<>(Kind.class);
		for (StoredResource r : changeSet.changed()) {
			Object value = parse(r);
			Map<String, Object> of = new HashMap<>(next.get(r.kind()));
			if (value != null) {
				of.put(r.id(), value);
				changed.computeIfAbsent(r.kind(), k -> new HashSet<>()).add(r.id());
			}
			else if (of.remove(r.id()) != null) {
				// an invalid new version takes the old one out of service rather than
				// leaving it stale
				deleted.computeIfAbsent(r.kind(), k -> new HashSet<>()).add(r.id());
			}
			next.put(r.kind(), Map.copyOf(of));
		}
		for (ChangeSet.Deleted d : changeSet.deleted()) {
			Map<String, Object> of = new HashMap<>(next.get(d.kind()));
			if (of.remove(d.id()) != null) {
				deleted.computeIfAbsent(d.kind(), k -> new HashSet<>()).add(d.id());
			}
			next.put(d.kind(), Map.copyOf(of));
		}
		this.resources = next;
		long applied = Math.max(this.revision, changeSet.revision());
		ManagementChanges changes = new ManagementChanges(applied, false, changed, deleted);
		notifyListeners(changes);
		// after the listeners: the revision reported is one this replica serves
		this.revision = applied;
		return changes;
	}

	private Object parse(StoredResource r) {
		ResourceCodec<?> codec = this.codecs.get(r.kind());
		if (codec == null) {
			return null;
		}
		ResourceCodec.Parsed<?> parsed = codec.parse(r.id(), r.json());
		if (!parsed.isValid()) {
			this.invalid.report(r, parsed.errors());
			return null;
		}
		return parsed.value();
	}

	private void notifyListeners(ManagementChanges changes) {
		for (ManagementListener l : this.listeners) {
			try {
				l.onChange(changes, this);
			}
			catch (RuntimeException ex) {
				log.error("Management listener {} failed on revision {}", l, changes.revision(), ex);
			}
		}
	}

}
