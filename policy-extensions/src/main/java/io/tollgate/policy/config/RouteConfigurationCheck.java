package io.tollgate.policy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.lang.Nullable;

/**
 * Builds every filter and predicate of the configured routes once, before the web server
 * starts and before Redis is contacted, and fails the startup with one
 * {@link TollgateConfigurationException} listing each bad one by its property
 * ({@code spring.cloud.gateway.server.webflux.routes[i].filters[j]}) and route. Without
 * it a bad argument would surface only in the first route refresh, after the ports are
 * open, as stack traces of several listeners.
 * <p>
 * Elements are built as the route locator builds them (same binding, same {@code apply});
 * a refresh later builds them again, which every factory supports. Errors other than bad
 * arguments (bugs) are rethrown as they are.
 */
public final class RouteConfigurationCheck implements SmartInitializingSingleton {

	static final String ROUTES = GatewayProperties.PREFIX + ".routes";

	static final String DEFAULT_FILTERS = GatewayProperties.PREFIX + ".default-filters";

	private final ObjectProvider<GatewayProperties> gateway;

	private final ObjectProvider<ConfigurationService> configuration;

	private final ObjectProvider<RoutePredicateFactory<?>> predicateFactories;

	private final ObjectProvider<GatewayFilterFactory<?>> filterFactories;

	public RouteConfigurationCheck(ObjectProvider<GatewayProperties> gateway,
			ObjectProvider<ConfigurationService> configuration,
			ObjectProvider<RoutePredicateFactory<?>> predicateFactories,
			ObjectProvider<GatewayFilterFactory<?>> filterFactories) {
		this.gateway = gateway;
		this.configuration = configuration;
		this.predicateFactories = predicateFactories;
		this.filterFactories = filterFactories;
	}

	@Override
	public void afterSingletonsInstantiated() {
		GatewayProperties properties = this.gateway.getIfAvailable();
		ConfigurationService service = this.configuration.getIfAvailable();
		if (properties == null || service == null) {
			return;
		}
		List<TollgateConfigurationException.Problem> problems = check(properties, service);
		if (!problems.isEmpty()) {
			throw TollgateConfigurationException.of(problems);
		}
	}

	List<TollgateConfigurationException.Problem> check(GatewayProperties properties, ConfigurationService service) {
		Map<String, RoutePredicateFactory<?>> predicates = byName(this.predicateFactories, RoutePredicateFactory::name);
		Map<String, GatewayFilterFactory<?>> filters = byName(this.filterFactories, GatewayFilterFactory::name);
		List<TollgateConfigurationException.Problem> problems = new ArrayList<>();
		List<RouteDefinition> routes = properties.getRoutes();
		for (int i = 0; i < routes.size(); i++) {
			RouteDefinition route = routes.get(i);
			for (int j = 0; j < route.getPredicates().size(); j++) {
				PredicateDefinition p = route.getPredicates().get(j);
				String property = ROUTES + "[" + i + "].predicates[" + j + "]";
				check(problems, property, route.getId(), "predicate", p.getName(), predicates.get(p.getName()),
						p.getArgs(), service);
			}
			for (int j = 0; j < route.getFilters().size(); j++) {
				FilterDefinition f = route.getFilters().get(j);
				String property = ROUTES + "[" + i + "].filters[" + j + "]";
				check(problems, property, route.getId(), "filter", f.getName(), filters.get(f.getName()), f.getArgs(),
						service);
			}
		}
		// default filters apply to every route: built once, for the first route
		if (!routes.isEmpty()) {
			String route = routes.get(0).getId();
			for (int j = 0; j < properties.getDefaultFilters().size(); j++) {
				FilterDefinition f = properties.getDefaultFilters().get(j);
				check(problems, DEFAULT_FILTERS + "[" + j + "]", route, "filter", f.getName(), filters.get(f.getName()),
						f.getArgs(), service);
			}
		}
		return problems;
	}

	private static void check(List<TollgateConfigurationException.Problem> problems, String property,
			@Nullable String route, String kind, String name, @Nullable Object factory, Map<String, String> args,
			ConfigurationService service) {
		if (factory == null) {
			problems.add(new TollgateConfigurationException.Problem(property, route, "No " + kind + " named '" + name
					+ "' (a misspelt name, or a factory switched off with tollgate.filters.*.enabled or tollgate.predicates.*.enabled)"));
			return;
		}
		try {
			if (factory instanceof GatewayFilterFactory<?> filter) {
				build(service, filter, name, args, route);
			}
			else if (factory instanceof RoutePredicateFactory<?> predicate) {
				build(service, predicate, name, args, route);
			}
		}
		catch (TollgateConfigurationException ex) {
			ex.getProblems().forEach(problem -> problems.add(problem.at(property, route)));
		}
		catch (RuntimeException ex) {
			if (!isArgumentError(ex)) {
				throw ex;
			}
			problems.add(new TollgateConfigurationException.Problem(property, route, name + ": " + ex.getMessage()));
		}
	}

	private static <C> void build(ConfigurationService service, GatewayFilterFactory<C> factory, String name,
			Map<String, String> args, @Nullable String route) {
		factory.apply(withRouteId(service.with(factory).name(name).properties(args).bind(), route));
	}

	private static <C> void build(ConfigurationService service, RoutePredicateFactory<C> factory, String name,
			Map<String, String> args, @Nullable String route) {
		factory.applyAsync(withRouteId(service.with(factory).name(name).properties(args).bind(), route));
	}

	private static <C> C withRouteId(C config, @Nullable String route) {
		if (config instanceof HasRouteId hasRouteId && route != null) {
			hasRouteId.setRouteId(route);
		}
		return config;
	}

	/** How factories (Spring Cloud Gateway's too) report bad arguments. */
	private static boolean isArgumentError(RuntimeException ex) {
		return ex instanceof IllegalArgumentException
				|| ex instanceof org.springframework.boot.context.properties.bind.BindException
				|| ex.getClass().getName().startsWith("jakarta.validation.");
	}

	private static <F> Map<String, F> byName(ObjectProvider<F> factories, Function<F, String> name) {
		Map<String, F> map = new HashMap<>();
		factories.orderedStream().forEach(factory -> map.putIfAbsent(name.apply(factory), factory));
		return map;
	}

}
