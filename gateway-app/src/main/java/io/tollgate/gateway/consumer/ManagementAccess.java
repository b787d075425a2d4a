package io.tollgate.gateway.consumer;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.lang.Nullable;

import io.tollgate.gateway.registry.ManagementChanges;
import io.tollgate.gateway.registry.ManagementState;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.ResourceStore;

/**
 * The registry's beans as the consumer package uses them: this replica's applied view,
 * the store, and one listener (registered with {@link ManagementState#addListener}) that
 * keeps the consumer package's indexes current. Looked up once the context is built, so a
 * gateway without a management store still starts: it then identifies no consumer and its
 * key operations answer 503.
 */
public final class ManagementAccess implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(ManagementAccess.class);

	private final ObjectProvider<ManagementView> views;

	private final ObjectProvider<ResourceStore> stores;

	private final ObjectProvider<ManagementState> states;

	private final ObjectProvider<ViewListener> listenerBeans;

	private volatile List<ViewListener> listeners = List.of();

	@Nullable
	private volatile ManagementView view;

	@Nullable
	private volatile ResourceStore store;

	public ManagementAccess(ObjectProvider<ManagementView> views, ObjectProvider<ResourceStore> stores,
			ObjectProvider<ManagementState> states, ObjectProvider<ViewListener> listeners) {
		this.views = views;
		this.stores = stores;
		this.states = states;
		this.listenerBeans = listeners;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.listeners = this.listenerBeans.orderedStream().toList();
		this.store = this.stores.getIfUnique();
		ManagementState state = this.states.getIfUnique();
		ManagementView found = state != null ? state : this.views.getIfUnique();
		this.view = found;
		if (found == null || this.store == null) {
			log.info("No management store and view: consumers are not identified and API keys cannot be issued");
		}
		if (state != null) {
			state.addListener(this::dispatch);
		}
		if (found != null) {
			// whatever was applied before the listener was registered
			dispatch(new ManagementChanges(found.revision(), true, Map.of(), Map.of()), found);
		}
	}

	private void dispatch(ManagementChanges changes, ManagementView applied) {
		for (ViewListener l : this.listeners) {
			try {
				l.onChange(changes, applied);
			}
			catch (RuntimeException ex) {
				log.error("{} failed on revision {}", l.getClass().getSimpleName(), changes.revision(), ex);
			}
		}
	}

	@Nullable
	public ManagementView view() {
		return this.view;
	}

	@Nullable
	public ResourceStore store() {
		return this.store;
	}

}
