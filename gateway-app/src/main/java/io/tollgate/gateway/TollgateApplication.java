package io.tollgate.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;

/**
 * The Tollgate gateway. Users are never configured here: callers authenticate with bearer
 * tokens ({@code BearerTokenWebFilter}) or API keys, routes decide whether they need one
 * ({@code RouteAuthenticationFilter}), and the Admin API and actuator writes check their
 * own tokens. Spring Security supplies the JWT decoder, validators and challenges, but no
 * filter chain: Spring Boot's default chain (a login page and a generated password) and
 * its resource-server chain are left out, and the request firewall's rules are Tollgate's
 * {@code RequestFirewall}, judged once per request.
 */
@SpringBootApplication(exclude = ReactiveUserDetailsServiceAutoConfiguration.class, excludeName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration" })
public class TollgateApplication {

	public static void main(String[] args) {
		SpringApplication.run(TollgateApplication.class, args);
	}

}
