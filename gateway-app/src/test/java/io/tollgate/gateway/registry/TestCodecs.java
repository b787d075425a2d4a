package io.tollgate.gateway.registry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * Add to a test gateway ({@code spring.main.sources}) to have a {@code plans} codec:
 * registers {@link TestPlanCodec} only when the application defines no
 * {@link ResourceCodec} itself, so the same tests run on the real codecs once they exist.
 */
public final class TestCodecs implements BeanDefinitionRegistryPostProcessor {

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (registry instanceof ListableBeanFactory beans
				&& beans.getBeanNamesForType(ResourceCodec.class, true, false).length == 0) {
			registry.registerBeanDefinition("testPlanCodec", new RootBeanDefinition(TestPlanCodec.class));
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

}
