package io.tollgate.policy.net;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.tollgate.policy.http.Refusals;
import io.tollgate.policy.config.TollgateConfigurationException;

/** Client address resolution, forwarding headers and request-framing checks. */
@AutoConfiguration
@EnableConfigurationProperties({ NetProperties.class, UpstreamProperties.class })
public class NetAutoConfiguration {

	@Bean
	UpstreamTimeouts tollgateUpstreamTimeouts(UpstreamProperties properties) {
		return new UpstreamTimeouts(positive("tollgate.upstream.connect-timeout", properties.getConnectTimeout()),
				positive("tollgate.upstream.response-timeout", properties.getResponseTimeout()));
	}

	private static Duration positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw TollgateConfigurationException.property(property,
					property + " must be a positive duration (for example 2s), not " + value);
		}
		return value;
	}

	@Bean
	@ConditionalOnMissingBean
	TrustedProxies tollgateTrustedProxies(NetProperties properties) {
		try {
			return TrustedProxies.of(properties.getTrustedProxies());
		}
		catch (IllegalArgumentException ex) {
			throw TollgateConfigurationException.property("tollgate.trusted-proxies",
					"tollgate.trusted-proxies: " + ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "tollgate.forwarded-headers.enabled", matchIfMissing = true)
	ForwardedHeadersPolicy tollgateForwardedHeadersPolicy(TrustedProxies proxies) {
		return new ForwardedHeadersPolicy(proxies);
	}

	@Bean
	@ConditionalOnMissingBean
	RequestFramingWebFilter tollgateRequestFramingWebFilter(ObjectProvider<Refusals> refusals) {
		return new RequestFramingWebFilter(refusals.getIfAvailable(() -> new Refusals(null, Duration.ofMinutes(1))));
	}

}
