package io.tollgate.gateway.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.http.server.PathContainer;
import org.springframework.lang.Nullable;

import io.tollgate.policy.route.LiveRouteSource;
import io.tollgate.policy.route.RouteStateJanitor;

/**
 * The managed APIs this replica serves: rebuilt from the {@link ManagementView} on every
 * change of {@code apis} (only changed definitions are compiled again), swapped in as one
 * immutable {@link ApiIndex}. Drafts are left out (not served). Per-route state of APIs
 * that are gone, or that dropped their limiter or breaker, is released by asking the
 * {@link RouteStateJanitor} to prune.
 */
public final class ManagedApis implements ManagementListener, LiveRouteSource, SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(ManagedApis.class);

	private final ApiCompiler compiler;

	private final ApiMetrics metrics;

	private final ObjectProvider<ManagementView> view;

	private final ObjectProvider<RouteStateJanitor> janitor;

	private volatile ApiIndex<CompiledApi> index = ApiIndex.empty();

	/**
	 * Route ids of APIs being compiled: their state exists before they join the index,
	 * and a prune running meanwhile must keep it.
	 */
	private volatile Set<String> compiling = Set.of();

	private volatile Set<String> liveRouteIds = Set.of();

	ManagedApis(ApiCompiler compiler, ApiMetrics metrics, ObjectProvider<ManagementView> view,
			ObjectProvider<RouteStateJanitor> janitor) {
		this.compiler = compiler;
		this.metrics = metrics;
		this.view = view;
		this.janitor = janitor;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ManagementView current = this.view.getIfUnique();
		if (current != null) {
			rebuild(current, current.all(Kind.PLANS, Object.class).keySet());
		}
	}

	@Override
	public void onChange(ManagementChanges changes, ManagementView view) {
		if (changes.touches(Kind.APIS)) {
			rebuild(view, changes.touches(Kind.PLANS) ? view.all(Kind.PLANS, Object.class).keySet() : null);
		}
		else if (changes.touches(Kind.PLANS)) {
			retainPlans(this.index, view.all(Kind.PLANS, Object.class).keySet());
		}
	}

	/** The API serving a path, or null. */
	@Nullable
	ManagedMatch lookup(PathContainer path) {
		ApiIndex<CompiledApi> current = this.index;
		ApiIndex.Match<CompiledApi> match = current.lookup(path);
		return match == null ? null : new ManagedMatch(match.value(), match.consumed(), current);
	}

	ApiIndex<CompiledApi> index() {
		return this.index;
	}

	@Override
	public Set<String> liveRouteIds() {
		Set<String> compilingNow = this.compiling;
		if (compilingNow.isEmpty()) {
			return this.liveRouteIds;
		}
		Set<String> all = new HashSet<>(this.liveRouteIds);
		all.addAll(compilingNow);
		return all;
	}

	synchronized void rebuild(ManagementView view, @Nullable Set<String> livePlans) {
		long start = System.nanoTime();
		Map<String, ApiDefinition> definitions = view.all(Kind.APIS, ApiDefinition.class);
		ApiIndex<CompiledApi> old = this.index;
		List<CompiledApi> next = new ArrayList<>(definitions.size());
		List<ApiDefinition> toCompile = new ArrayList<>();
		for (ApiDefinition api : servedByBasePath(definitions)) {
			CompiledApi previous = old.byId(api.id());
			if (previous != null && previous.definition().equals(api)) {
				next.add(previous);
			}
			else {
				toCompile.add(api);
			}
		}
		Set<String> protect = new HashSet<>();
		toCompile.forEach(api -> protect.addAll(CompiledApi.routeIdsOf(api)));
		this.compiling = Set.copyOf(protect);
		int compiled = 0;
		int failed = 0;
		for (ApiDefinition api : toCompile) {
			CompiledApi previous = old.byId(api.id());
			CompiledApi fresh = this.compiler.compile(api,
					previous != null ? previous.meters() : this.metrics.forApi(api.id()));
			next.add(fresh);
			compiled++;
			if (fresh.failure() != null) {
				failed++;
			}
		}
		ApiIndex<CompiledApi> built = ApiIndex.of(next, CompiledApi::basePath, CompiledApi::id);
		boolean release = false;
		for (CompiledApi previous : old.all()) {
			CompiledApi now = built.byId(previous.id());
			if (now == null) {
				previous.meters().close();
				this.metrics.remove(previous.id());
				release = true;
			}
			else if (now != previous && !previous.routeIds().isEmpty()) {
				release = true;
			}
		}
		Set<String> live = new HashSet<>();
		built.all().forEach(api -> live.addAll(api.routeIds()));
		this.liveRouteIds = Set.copyOf(live);
		this.index = built;
		this.compiling = Set.of();
		if (livePlans != null) {
			retainPlans(built, livePlans);
		}
		if (release) {
			prune();
		}
		if (log.isDebugEnabled()) {
			log.debug("Managed APIs at revision {}: {} served, {} compiled ({} failed) in {} us", view.revision(),
					built.size(), compiled, failed, (System.nanoTime() - start) / 1000);
		}
	}

	/**
	 * The served definitions, one per base path. The store refuses two APIs on one base
	 * path; should Redis hold two anyway, the smaller id is served and the log says so.
	 */
	private static List<ApiDefinition> servedByBasePath(Map<String, ApiDefinition> definitions) {
		Map<String, ApiDefinition> byPath = new HashMap<>();
		for (ApiDefinition api : definitions.values()) {
			if (!api.served()) {
				continue;
			}
			ApiDefinition other = byPath.get(api.basePath());
			if (other == null) {
				byPath.put(api.basePath(), api);
				continue;
			}
			ApiDefinition kept = other.id().compareTo(api.id()) < 0 ? other : api;
			ApiDefinition dropped = kept == other ? api : other;
			log.error("Managed APIs '{}' and '{}' both hold base path {}: serving '{}' only", kept.id(), dropped.id(),
					api.basePath(), kept.id());
			byPath.put(api.basePath(), kept);
		}
		return new ArrayList<>(byPath.values());
	}

	private static void retainPlans(ApiIndex<CompiledApi> index, Set<String> planIds) {
		for (CompiledApi api : index.all()) {
			ApiPlanLimits limits = api.planLimits();
			if (limits != null) {
				limits.retainPlans(planIds);
			}
		}
	}

	private void prune() {
		RouteStateJanitor j = this.janitor.getIfAvailable();
		if (j != null) {
			// prune logs and swallows its own failures; this only reports a bug there
			j.prune().subscribe(null, ex -> log.warn("Could not release per-route state of managed APIs", ex));
		}
	}

}
