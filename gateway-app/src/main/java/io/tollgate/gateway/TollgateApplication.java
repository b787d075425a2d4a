package io.tollgate.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;

/**
 * The Tollgate gateway. Users are never configured here: callers authenticate with bearer
 * tokens.
 */
@SpringBootApplication(exclude = ReactiveUserDetailsServiceAutoConfiguration.class)
public class TollgateApplication {

	public static void main(String[] args) {
		SpringApplication.run(TollgateApplication.class, args);
	}

}
