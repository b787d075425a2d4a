package io.tollgate.gateway.demo;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * The demo upstream and token issuer as a process of its own, from the gateway's jar, so
 * several gateway replicas can share it:
 *
 * <pre>
 * java -cp gateway-app.jar -Dloader.main=io.tollgate.gateway.demo.DemoEnvironmentApplication \
 *      org.springframework.boot.loader.launch.PropertiesLauncher --tollgate.demo.port=9000
 * </pre>
 *
 * Deliberately not a {@code @Configuration}: the gateway's component scan must not pick
 * it up.
 */
public class DemoEnvironmentApplication {

	public static void main(String[] args) {
		new SpringApplicationBuilder(DemoEnvironmentApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.keep-alive=true", "spring.main.banner-mode=off",
					"spring.application.name=tollgate-demo")
			.run(args);
	}

	@Bean
	DemoEnvironment demoEnvironment(@Value("${tollgate.demo.port:9000}") int port) {
		return new DemoEnvironment(port);
	}

}
