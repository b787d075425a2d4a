package io.tollgate.gateway.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.lang.Nullable;

import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementChanges;
import io.tollgate.gateway.registry.ManagementView;

/**
 * JWT client ids ({@code azp}, else {@code client_id}) to the consumer that lists them,
 * rebuilt from the view whenever consumers change.
 */
public final class ClientIdIndex implements ViewListener {

	private volatile Map<String, String> consumers = Map.of();

	@Nullable
	public String consumerOf(String clientId) {
		return this.consumers.get(clientId);
	}

	@Override
	public void onChange(ManagementChanges changes, ManagementView view) {
		if (!changes.touches(Kind.CONSUMERS)) {
			return;
		}
		Map<String, String> next = new HashMap<>();
		// the store keeps client ids unique; should Redis hold a duplicate anyway, the
		// lowest consumer id keeps it, on every replica alike
		new TreeMap<>(view.all(Kind.CONSUMERS, Consumer.class))
			.forEach((id, consumer) -> consumer.clientIds().forEach(c -> next.putIfAbsent(c, id)));
		this.consumers = Map.copyOf(next);
	}

}
