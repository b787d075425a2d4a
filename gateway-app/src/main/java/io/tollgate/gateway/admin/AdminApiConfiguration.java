package io.tollgate.gateway.admin;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.tollgate.gateway.consumer.ApiKeyService;
import io.tollgate.gateway.consumer.ConsumerKeys;
import io.tollgate.gateway.consumer.PlanReferences;
import io.tollgate.gateway.consumer.UsageReader;
import io.tollgate.gateway.registry.AuditLog;
import io.tollgate.gateway.registry.ChangeFeed;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * The Admin API, in the management child context only: its routes and its security exist
 * on the management port and nowhere else. Listed in
 * {@code META-INF/spring/...ManagementContextConfiguration.imports}; deliberately not a
 * {@code @Configuration} (nor a {@code @ManagementContextConfiguration}), which the
 * application's component scan would also register in the main context, and so on the
 * data port. With the management server on the data port ({@code management.server.port}
 * = {@code server.port}) there is no child context and the Admin API is not served at
 * all.
 */
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
@ConditionalOnBean({ ResourceStore.class, ChangeFeed.class, AuditLog.class })
class AdminApiConfiguration {

	@Bean
	AdminRouter tollgateAdminRouter(ResourceStore store, ChangeFeed feed, AuditLog audit,
			ListableBeanFactory beanFactory, ObjectProvider<ApiKeyService> keys, ObjectProvider<UsageReader> usage,
			ObjectProvider<ReplicaHeartbeat> heartbeat, ObjectProvider<ManagementView> view,
			ObjectProvider<PlanReferences> planReferences, ObjectProvider<ConsumerKeys> consumerKeys,
			ObjectProvider<Clock> clock) {
		ReferenceRules references = new ReferenceRules(planReferences.getIfUnique(), consumerKeys.getIfUnique());
		Clock time = clock.getIfAvailable(Clock::systemUTC);
		ResourceStore applied = new AppliedStore(store, view.getIfUnique());
		AdminJson json = new AdminJson();
		RequestBodies bodies = new RequestBodies(json);
		Map<Kind, ResourceCodec<Object>> codecs = codecs(beanFactory);
		Map<Kind, ResourceHandler> resources = new EnumMap<>(Kind.class);
		for (Kind kind : ConfigHandler.KINDS) {
			resources.put(kind, new ResourceHandler(kind, codecs.get(kind), applied, bodies, json, references));
		}
		return new AdminRouter(resources, new KeyHandler(keys, usage, store, bodies, json, time),
				new ConfigHandler(codecs, feed, applied, bodies, json, references), new AuditHandler(audit, json),
				new StatusHandler(feed, audit, heartbeat, view, json, time), new AdminProblems(json));
	}

	@Bean
	RouterFunction<ServerResponse> tollgateAdminRoutes(AdminRouter router) {
		return router.routes();
	}

	@Bean
	AdminSecurityWebFilter tollgateAdminSecurityWebFilter(ObjectProvider<ReactiveJwtDecoder> decoder) {
		return new AdminSecurityWebFilter(new AdminAuthorization(decoder, "The Admin API", true));
	}

	/** The codec of each kind, from this context and the application's. */
	@SuppressWarnings("unchecked")
	private static Map<Kind, ResourceCodec<Object>> codecs(ListableBeanFactory beanFactory) {
		Map<Kind, ResourceCodec<Object>> codecs = new EnumMap<>(Kind.class);
		for (ResourceCodec<?> codec : BeanFactoryUtils.beansOfTypeIncludingAncestors(beanFactory, ResourceCodec.class)
			.values()) {
			ResourceCodec<Object> previous = codecs.putIfAbsent(codec.kind(), (ResourceCodec<Object>) codec);
			if (previous != null && previous != codec) {
				throw new IllegalStateException(
						"Two ResourceCodec beans for " + codec.kind().path() + ": " + previous + " and " + codec);
			}
		}
		return codecs;
	}

}
