package io.tollgate.gateway.registry;

import org.springframework.lang.Nullable;

/**
 * The managed API a request was routed to, kept on the exchange by the route's predicate
 * for its filters.
 *
 * @param api the API
 * @param consumed how many path elements its base path covers
 * @param index the index it was found in (successors are looked up in the same one)
 */
record ManagedMatch(CompiledApi api, int consumed, ApiIndex<CompiledApi> index) {

	static final String ATTRIBUTE = ManagedMatch.class.getName();

	/**
	 * The base path of the API's successor when it is served and not retired, else null.
	 */
	@Nullable
	String successorPath() {
		String successor = this.api.definition().successor();
		if (successor == null) {
			return null;
		}
		CompiledApi next = this.index.byId(successor);
		if (next == null || next.definition().status() == ApiDefinition.Status.RETIRED) {
			return null;
		}
		return next.basePath();
	}

}
