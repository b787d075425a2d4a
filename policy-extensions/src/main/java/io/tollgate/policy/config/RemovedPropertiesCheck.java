package io.tollgate.policy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Fails the startup, before any bean is created, when a property that Tollgate no longer
 * reads is set, naming what replaced it: a silently ignored timeout or replica id is
 * worse than a refusal. The same list is in the configuration metadata as error-level
 * deprecations, so IDEs flag them too.
 */
public final class RemovedPropertiesCheck implements BeanFactoryPostProcessor {

	/** Removed property, and what to use instead. */
	static final Map<String, String> REMOVED;

	static {
		Map<String, String> removed = new LinkedHashMap<>();
		removed.put("tollgate.ratelimit.timeout", "tollgate.redis.timeout");
		removed.put("tollgate.ratelimit.failure-threshold", "tollgate.redis.failure-threshold");
		removed.put("tollgate.ratelimit.backoff", "tollgate.redis.probe-interval");
		removed.put("tollgate.ratelimit.heartbeat-interval", "tollgate.replica.heartbeat-interval");
		removed.put("tollgate.ratelimit.heartbeat-expiry", "tollgate.replica.heartbeat-expiry");
		removed.put("tollgate.ratelimit.replica-id", "tollgate.replica.id");
		removed.put("tollgate.circuit-breaker-sync.redis-timeout", "tollgate.redis.timeout");
		removed.put("tollgate.redis.health-timeout", "tollgate.redis.timeout");
		REMOVED = Map.copyOf(removed);
	}

	private final Environment environment;

	/** Each removed property and its replacement. */
	public static Map<String, String> removedProperties() {
		return REMOVED;
	}

	public RemovedPropertiesCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		List<TollgateConfigurationException.Problem> problems = new ArrayList<>();
		Binder binder = Binder.get(this.environment);
		REMOVED.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.filter(removed -> binder.bind(removed.getKey(), Bindable.of(String.class)).isBound())
			.forEach(removed -> problems.add(new TollgateConfigurationException.Problem(removed.getKey(), null,
					"this property was removed; use " + removed.getValue() + " (see CHANGELOG.md)")));
		if (!problems.isEmpty()) {
			throw TollgateConfigurationException.of(problems);
		}
	}

}
