package io.tollgate.gateway.admin;

import java.util.concurrent.atomic.AtomicReference;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * What the Admin API's tests add to the real application: a handle on the management
 * child context, to read the routes it serves. Registered with
 * {@code spring.main.sources}, not a {@code @Configuration}, so the component scan of
 * other tests' gateways does not pick it up.
 */
class AdminTestBeans {

	@Bean
	ManagementContextHolder managementContextHolder() {
		return new ManagementContextHolder();
	}

	/** Keeps the management child context (its refresh event reaches the parent). */
	static final class ManagementContextHolder implements ApplicationListener<ContextRefreshedEvent> {

		final AtomicReference<ApplicationContext> context = new AtomicReference<>();

		@Override
		public void onApplicationEvent(ContextRefreshedEvent event) {
			if (event.getApplicationContext().getParent() != null) {
				this.context.set(event.getApplicationContext());
			}
		}

	}

}
