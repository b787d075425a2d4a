package io.tollgate.gateway.consumer;

import java.util.List;

import org.springframework.lang.Nullable;

/**
 * A consumer of APIs: a partner, an application or a team.
 *
 * @param name its display name, may be null
 * @param plan the id of its plan, may be null; a plan that does not exist (yet, or any
 * more) means no plan: see {@link PlanResolver}
 * @param clientIds the JWT {@code azp} / {@code client_id} values that identify it (a
 * client id identifies one consumer at most)
 */
public record Consumer(@Nullable String name, @Nullable String plan, List<String> clientIds) {

	public Consumer {
		clientIds = List.copyOf(clientIds);
	}

}
