import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * Stock Spring Cloud Gateway for side-by-side benchmarks: the same Spring Boot, Spring Cloud Gateway
 * and Netty jars as Tollgate, without Tollgate's policies (run.sh leaves policy-extensions off the
 * classpath) and without Spring Security. Routes come from the command line; the stock
 * RequestRateLimiter's KeyResolver (client address) is the one bean added.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration" })
public class StockGateway {

	public static void main(String[] args) {
		SpringApplication.run(StockGateway.class, args);
	}

	@Bean
	KeyResolver benchIpKeyResolver() {
		return exchange -> Mono.just(exchange.getRequest().getRemoteAddress().getAddress().getHostAddress());
	}
}
